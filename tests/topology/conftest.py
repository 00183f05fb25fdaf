def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "topology: starts two app servers on one PostgreSQL and one Redis (PostgreSQL pass only)",
    )
