"""Data: offline corpus, pre-training instances and masking, task readers."""
