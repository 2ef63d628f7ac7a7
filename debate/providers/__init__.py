"""litellm custom providers: `local/<name>` (llama.cpp) and `fake/<name>` (tests, benchmarks).

Both are registered with litellm and called through `litellm.acompletion` like any hosted
model, so the gateway has exactly one code path. Only the gateway imports this package.
"""

import os

# litellm fetches a price table over the network at import unless told to use its bundled copy.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
