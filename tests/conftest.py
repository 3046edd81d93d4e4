pytest_plugins = ["tests.conftest_backends", "tests.conftest_dialog"]
