"""`bert-tf serve`: the local TF Serving stand-in over exported SavedModels (gRPC + REST).

For development, CI and tests where `tensorflow_model_server` cannot be installed; production
runs the `tensorflow/serving:2.16.1` image with the files in serving/ (serving/README.md).
Flags mirror tensorflow_model_server's (`--model_base_path` is also `--model-base-path`).
Versions are the integer sub-directories of the base path; the newest is served and new ones
are picked up every --file-system-poll-wait-seconds; a version that fails to load is retried
(--max-num-load-retries, --load-retry-interval-micros). It listens on 127.0.0.1 unless
--host says otherwise. SIGTERM stops accepting, finishes in-flight gRPC and REST requests,
closes idle connections and exits 0.

Example:
    $ bert-tf serve --model-base-path models/bert --model-name bert --rest-port 8501
    $ bert-tf serve --model-config-file serving/config/models.config \\
        --enable-batching --batching-parameters-file serving/config/batching.config
"""

from __future__ import annotations

import argparse

HELP = "serve exported models over TF Serving's gRPC and REST APIs (a local stand-in)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__.split("\n\nExample:")[0]
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    add = parser.add_argument
    add("--model-base-path", "--model_base_path", help="BASE/NAME holding version dirs 1/, 2/...")
    add("--model-name", "--model_name", default="default", help="model name (default 'default')")
    add("--model-config-file", "--model_config_file", help="model_config_list text proto")
    add("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    add("--port", type=int, default=8500, help="gRPC port (default 8500)")
    add("--rest-port", "--rest_api_port", type=int, default=0, help="REST port (0 = no REST)")
    add("--enable-batching", "--enable_batching", action="store_true", help="dynamic batching")
    add(
        "--batching-parameters-file",
        "--batching_parameters_file",
        help="BatchingParameters text proto (TF Serving's defaults without one)",
    )
    add(
        "--file-system-poll-wait-seconds",
        "--file_system_poll_wait_seconds",
        type=float,
        default=1.0,
        help="seconds between scans for new versions (default 1; 0 = load once)",
    )
    add(
        "--max-text-bytes",
        type=int,
        default=1 << 20,
        help="largest raw text one row may carry (default 1 MiB); longer rows are refused",
    )
    add(
        "--max-request-rows",
        type=int,
        default=1000,
        help="most rows one request may carry (default 1000, TF Serving's default "
        "max_batch_size; 0 = no limit)",
    )
    add(
        "--max-request-bytes",
        type=int,
        default=256 << 20,
        help="largest REST request body (default 256 MiB); larger ones get 413",
    )
    add(
        "--max-num-load-retries",
        "--max_num_load_retries",
        type=int,
        default=5,
        help="times a failed version load is retried (default 5)",
    )
    add(
        "--load-retry-interval-micros",
        "--load_retry_interval_micros",
        type=int,
        default=60_000_000,
        help="microseconds between load retries (default 60000000, one minute)",
    )
    add("--grpc-threads", type=int, default=32, help="gRPC worker threads (default 32)")
    add(
        "--xla-cpu-compilation-enabled",
        "--xla_cpu_compilation_enabled",
        action="store_true",
        help="run exports compiled with XLA (`bert-tf export --xla`); without it they do not "
        "load (TF Serving: the same flag, or they fail on their first request)",
    )


def run(args: argparse.Namespace) -> int:
    from bert_tf.serving.batcher import Batcher
    from bert_tf.serving.config_files import read_batching_parameters, read_model_server_config
    from bert_tf.serving.model_server import ModelServer
    from bert_tf.serving.version_manager import VersionManager

    if bool(args.model_base_path) == bool(args.model_config_file):
        raise ValueError("give either --model-base-path (with --model-name) or --model-config-file")
    if args.batching_parameters_file and not args.enable_batching:
        raise ValueError("--batching-parameters-file needs --enable-batching")
    for flag in ("max_request_rows", "max_num_load_retries", "load_retry_interval_micros"):
        if getattr(args, flag) < 0:
            raise ValueError(f"--{flag.replace('_', '-')} must be >= 0")
    loading = dict(
        max_text_bytes=args.max_text_bytes,
        max_num_load_retries=args.max_num_load_retries,
        load_retry_interval=args.load_retry_interval_micros / 1e6,
        xla_cpu_compilation_enabled=args.xla_cpu_compilation_enabled,
    )
    if args.model_config_file:
        config = read_model_server_config(args.model_config_file)
        versions = VersionManager(config, **loading)
    else:
        versions = VersionManager.single(args.model_name, args.model_base_path, **loading)
    batcher = None
    if args.enable_batching:
        if args.batching_parameters_file:
            batcher = Batcher.from_parameters(
                read_batching_parameters(args.batching_parameters_file)
            )
        else:
            batcher = Batcher()
    server = ModelServer(
        versions,
        port=args.port,
        rest_port=args.rest_port,
        batcher=batcher,
        poll_seconds=args.file_system_poll_wait_seconds,
        grpc_threads=args.grpc_threads,
        host=args.host,
        max_request_rows=args.max_request_rows,
        max_request_bytes=args.max_request_bytes,
    )
    try:
        server.start()
    except BaseException:
        server.stop(grace_seconds=0)
        raise
    server.wait_for_termination()
    return 0
