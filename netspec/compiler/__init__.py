"""The compiler's early stages, in pipeline order: load → validate → expand → checks → graph → analyse.

None of them imports TensorFlow, Keras or graphviz."""
