from tests.server.transfer_areas import areas  # noqa: F401
from tests.sync.fixtures import any_server, fast_passwords, pg_url, postgres_cluster, server  # noqa: F401
