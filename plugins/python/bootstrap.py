# fnstudio's Python runtime entry point. The loop lives in fnstudio_runtime.py, a module, so that
# Python loads its compiled form from __pycache__ (built with the plugin) instead of compiling
# ~600 lines on every cold start (~2.6 ms here).
import fnstudio_runtime

fnstudio_runtime.main()
