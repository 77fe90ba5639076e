"""Model compression of fine-tuned task models: int8 weights and knowledge distillation.

- `quantization`: `quantize_int8(model)`, int8 encoder Dense layers (Keras 3 `Dense.quantize`).
- `distillation`: `distill(teacher, student_or_config, train_dataset, ...)`, soft-target and
  optional hidden-state distillation into fewer layers or a narrower hidden size.
- `compress_run`: `compress_run(run_dir, train_file, eval_file, output_dir, ...)`, a
  fine-tuning run directory -> a compressed run directory with `compression_summary.json`.
"""
