from tests.sync.fixtures import any_server, pg_url, postgres_cluster, server  # noqa: F401
