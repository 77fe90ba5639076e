"""Tasks at run time: task adapters (features, heads, window aggregation, metrics, predictions
files), the feature-based head, loading saved runs, and per-token feature extraction.

Import the submodules you need, e.g.
`from bert_tf.inference.finetune_task import make_task` or
`from bert_tf.inference.feature_extractor import FeatureExtractor`.
"""
