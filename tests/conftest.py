pytest_plugins = ["tests.conftest_backends"]
