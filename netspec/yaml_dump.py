"""Writing specs back as YAML: block style, flow style for short argument mappings.

What is written reads back as the same data under netspec's own YAML 1.2 rules and under
YAML 1.1 tools: a string is left unquoted only when neither rule set would read it as a
number, boolean or null (PyYAML's own dumper knows only YAML 1.1, so `1e5` or `0o17`
would come back as numbers).
"""

from __future__ import annotations

import yaml

from .compiler.load import plain_tag


class _Dumper(yaml.SafeDumper):
    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0] and plain_tag(value) != "tag:yaml.org,2002:str":
            return plain_tag(value)  # what netspec would read it as: the emitter then quotes a string
        return super().resolve(kind, value, implicit)


def _represent_dict(dumper, data):
    flow = all(not isinstance(v, (dict, list)) or _flat_list(v) for v in data.values()) and len(data) <= 6
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow and bool(data))


def _flat_list(v) -> bool:
    return isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v)


def _represent_list(dumper, data):
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=_flat_list(data))


def _represent_str(dumper, data):
    # Line breaks, tabs and other invisible characters go between double quotes, as escapes:
    # PyYAML's plain and single-quoted styles fold some of them (NEL, U+2028) into spaces.
    style = '"' if not data.isprintable() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(tuple, _represent_list)


def dump_spec(data: dict) -> str:
    """YAML text of a spec, keys in the order given."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
