"""The rules docsecrets runs, in one explicit registry (`docsecrets.rules` loads it on first use).

TEXT_RULES read free text (and each table cell). Table structure is read by
`table_password.TableReader`, and `remote_access` pairs credentials with their targets;
both are driven by the engine. RULES lists every rule's metadata for `docsecrets rules`,
SARIF and baselines: ids are permanent.
"""

from __future__ import annotations

from docsecrets.rules.health import HEALTH_RULES
from docsecrets.rules.base import Match, Rule, TextRule
from docsecrets.rules.conn_string import CLI_PASSWORD, BasicAuthHeaders, ORACLE_CREDENTIALS, URL_CREDENTIALS, CommandLinePasswords, \
    UrlCredentials
from docsecrets.rules.key_stores import KEY_STORE, KeyStores
from docsecrets.rules.known_tokens import TOKEN, CatalogueTokens, KnownTokens
from docsecrets.rules.kv_password import PASSWORD, SECRET, UserSlashPassword, PasswordAssignment
from docsecrets.rules.remote_access import REMOTE_ACCESS
from docsecrets.rules.remote_files import RDP_PASSWORD, VNC_PASSWORD, RdpPasswords, VncPasswords
from docsecrets.rules.table_password import TABLE_PASSWORD, TABLE_SECRET
from docsecrets.rules.token_patterns import GITHUB_FINE_GRAINED, GOOGLE_API_KEY, PRIVATE_KEY, GitHubFineGrained, \
    GoogleApiKeys, PrivateKeys
from docsecrets.rules.prose import ProsePasswords
from docsecrets.rules.web_root import WebRootFiles
from docsecrets.types import Severity

UNSCANNABLE = Rule(
    id="DS000", name="unscannable-document", severity=Severity.MEDIUM,
    description="A document that could not be read because it is encrypted: its content is unknown",
    help="Check the document by hand, or accept it in the baseline if it is known and safe.",
    keywords=None)  # about a whole document, from its reader: no text to look in

TEXT_RULES: tuple[TextRule, ...] = (
    KnownTokens(),
    CatalogueTokens(),
    GoogleApiKeys(),
    GitHubFineGrained(),
    PrivateKeys(),
    KeyStores(),
    VncPasswords(),
    RdpPasswords(),
    UrlCredentials(),
    BasicAuthHeaders(),
    CommandLinePasswords(),
    PasswordAssignment(),
    UserSlashPassword(),
    WebRootFiles(),
    ProsePasswords(),
)

RULES: tuple[Rule, ...] = (
    UNSCANNABLE,
    TABLE_PASSWORD,
    PASSWORD,
    SECRET,
    TABLE_SECRET,
    URL_CREDENTIALS,
    ORACLE_CREDENTIALS,
    CLI_PASSWORD,
    VNC_PASSWORD,
    RDP_PASSWORD,
    REMOTE_ACCESS,
    TOKEN,
    PRIVATE_KEY,
    GOOGLE_API_KEY,
    GITHUB_FINE_GRAINED,
    KEY_STORE,
    *HEALTH_RULES,  # opt-in: reported only with the health pack (--pii)
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

__all__ = ["RULES", "RULES_BY_ID", "TEXT_RULES", "UNSCANNABLE", "Match", "Rule", "TextRule"]
