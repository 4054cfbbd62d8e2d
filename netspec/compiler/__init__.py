"""The compiler's early stages, in pipeline order: load → validate → expand → checks → graph → analyse.

One record per layer (`expand.record.Layer`) flows through them: expansion writes what the spec
says, the graph holds the record on its node, and analysis hands back a copy with the layer's
shape, parameters and MACs, which the table, the diagram, the memory estimate and the Keras
build read. None of these stages imports TensorFlow, Keras or graphviz."""
