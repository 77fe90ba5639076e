"""Subcommands of `bert-tf`; see `bert_tf/cli.py` for the contract each module follows."""
