pytest_plugins = [
    "tests.conftest_backends",
    "tests.conftest_media",
    "tests.conftest_dialog",
    "tests.pbx.fixtures",
]
