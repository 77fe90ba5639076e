"""Training: BERT's optimizer and schedule, callbacks, distribution strategies, pre-training run.

Submodules import TensorFlow/Keras; import what you need from them, e.g.
`from bert_tf.training.optimizers import create_optimizer`.
"""
