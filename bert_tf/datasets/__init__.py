"""Real data that every install has, offline: a corpus and a task derived from it.

- `offline_corpus`: real English (the pydoc topics, then docstrings of installed packages),
  written in google-research/bert's one-sentence-per-line format.
- `docstring_task`: a real 4-class task on it (docstring sentence -> source library).
- `docstring_qa`: a real extractive QA set in SQuAD format (what does `json.dumps` do? ->
  its docstring's summary, among its module's neighbours).
"""
