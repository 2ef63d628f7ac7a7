"""litellm custom providers: `local/<name>` (llama.cpp) and `fake/<name>` (tests, benchmarks).

Both are registered with litellm and called through `litellm.acompletion` like any hosted
model, so the gateway has exactly one code path. Only the gateway imports this package.
"""
