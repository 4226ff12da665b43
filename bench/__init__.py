"""The national-scale benchmark: `seed` generates the data set (`manage.py bench_seed`),
`measure` times the key operations on it (`manage.py bench_run`). See bench/results.md."""
