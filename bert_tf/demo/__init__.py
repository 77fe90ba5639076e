"""The demo: what a user sees in their first ten minutes, on real offline data.

`python -m bert_tf.demo` (what `make demo` runs) drives the production path: the TFX
pipeline, the pushed models served by `bert-tf serve`, and gRPC requests through the client
(`production_demo`). `--library` runs the library stages one after another without TFX
(`library_demo`), for users who only want `model.fit`.
"""
