"""Imports every model so the metadata is complete (for Alembic and the tenancy guard)."""

from runtime.accounts import models as _accounts  # noqa: F401
from runtime.db import Base
from runtime.media import models as _media  # noqa: F401
from runtime.modules import models as _modules  # noqa: F401
from runtime.modules.cart import models as _cart  # noqa: F401
from runtime.modules.catalog import models as _catalog  # noqa: F401
from runtime.modules.catalog.importing import models as _catalog_importing  # noqa: F401
from runtime.modules.fulfilment import models as _fulfilment  # noqa: F401
from runtime.modules.members import models as _members  # noqa: F401
from runtime.modules.orders import models as _orders  # noqa: F401
from runtime.modules.payments import models as _payments  # noqa: F401
from runtime.modules.points import models as _points  # noqa: F401
from runtime.modules.signin import models as _signin  # noqa: F401
from runtime.modules.wallet import models as _wallet  # noqa: F401
from runtime.pages import models as _pages  # noqa: F401
from runtime.shops import models as _shops  # noqa: F401
from runtime.themes import models as _themes  # noqa: F401
from runtime.wechat import models as _wechat  # noqa: F401

metadata = Base.metadata
