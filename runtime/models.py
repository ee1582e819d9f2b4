"""The complete metadata (for Alembic and the tenancy guard): the platform's models, then
every discovered module's ``Module.models``."""

from runtime.accounts import models as _accounts  # noqa: F401
from runtime.audit import models as _audit  # noqa: F401
from runtime.db import Base
from runtime.media import models as _media  # noqa: F401
from runtime.modules import models as _modules  # noqa: F401
from runtime.modules.loader import discover, import_models
from runtime.pages import models as _pages  # noqa: F401
from runtime.shops import models as _shops  # noqa: F401
from runtime.themes import models as _themes  # noqa: F401
from runtime.wechat import models as _wechat  # noqa: F401

import_models(discover())

metadata = Base.metadata
