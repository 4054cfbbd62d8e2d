"""Writing specs back as YAML: block style, flow style for short argument mappings."""

from __future__ import annotations

import yaml


class _Dumper(yaml.SafeDumper):
    pass


def _represent_dict(dumper, data):
    flow = all(not isinstance(v, (dict, list)) or _flat_list(v) for v in data.values()) and len(data) <= 6
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow and bool(data))


def _flat_list(v) -> bool:
    return isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v)


def _represent_list(dumper, data):
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=_flat_list(data))


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(tuple, _represent_list)


def dump_spec(data: dict) -> str:
    """YAML text of a spec, keys in the order given."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
