"""Plain predicates for values that sit where a password would, but are not one (the words they
know come from the lexicon's language modules).

Each returns True when the value should NOT be reported. `not_a_secret` combines them and is
what rules call. Weak real passwords ('sa', 'urg2013', 'vnc123') pass: complexity is not asked,
only that the value is not a mask, a placeholder, a pointer, prose, code or a known example.
"""

from __future__ import annotations

import re

from docsecrets.rules.lexicon import PASSWORD_RE, PLACEHOLDER_WORDS, POINTER_WORDS, POLICY_WORDS, fold

_MASK = re.compile(r"^(?:[*•●·∙x✱#_.\-?]{2,}|x{2,}\w{0,4}|\*+\w{0,4}|\w{0,4}\*{3,})$", re.IGNORECASE)
_PLACEHOLDER_WRAPPED = re.compile(
    r"^(?:<[^<>]*>|\{[^{}]*\}|\{\{.*\}\}|\$\{[^}]*\}|\$\([^)]*\)|%[\w.-]+%|\[[^\]]*\]|@@?[\w.-]+@@?|"
    r"__[\w-]+__|\$[A-Za-z_]\w*|#\{[^}]*\}|\(\(.*\)\)|<%.*%>|\.{3,}|…+)$")
_PLACEHOLDER_WORDS = PLACEHOLDER_WORDS
_POINTER_START = re.compile(r"^\(?\s*(?:" + "|".join(POINTER_WORDS) + r")\b", re.IGNORECASE)
_POLICY = re.compile(r"\b(?:" + "|".join(POLICY_WORDS) + r")\w*", re.IGNORECASE)
_CODE_REFERENCE = re.compile(
    r"^(?:os\.environ|os\.getenv|getenv|process\.env|env\(|ENV\[|System\.getenv|Environment\."
    r"|\$_(?:ENV|SERVER|POST|GET|REQUEST)|config\(|settings\.|secrets\.|vault[.(]|request\.|params\.|"
    r"args\.|options\.|opts\.|self\.|this\.|cfg\.|conf\.|input\(|getpass|prompt\(|readline|"
    r"Deno\.env|import\.meta\.env|ConfigurationManager|config\[|app\.config|current_app|env\.|"
    r"sys\.argv|argv\[|lookup\(|read-host|get-credential|get-content|\$\(|password_hash|hash\(|bcrypt|crypt\(|md5\(|sha1\(|base64_decode\()",
    re.IGNORECASE)
_CALL = re.compile(r"^[A-Za-z_][\w.]*\(.*\)[;,]?$")
_DATE = re.compile(r"^(?:\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?|\d{4}-\d{2}-\d{2}T[\d:.]+Z?)$")
_PHONE = re.compile(r"^\+?\d{1,3}?[ .-]?\(?\d{1,4}\)?(?:[ .-]\d{2,4}){2,5}$")
_IPV4 = re.compile(r"^(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?(?:/\d+)?$")
_YEARS = re.compile(r"^(?:19|20)\d\d\s*[–—-]\s*(?:(?:19|20)\d\d|\d\d)$")
_VERSION = re.compile(r"^v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$")
_UUID = re.compile(r"^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$", re.IGNORECASE)
_HEX_HASH = re.compile(r"^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$",
                       re.IGNORECASE)
_FILE_NAME = re.compile(r"^[\w\-. ]+\.(?:txt|docx?|xlsx?|pdf|csv|kdbx|png|jpe?g|gif|zip|exe|msi|ini|conf|"
                        r"cfg|log|xml|json|ya?ml|html?|php|js|py|sh|bat|ps1|rdp|vnc|key|pem|crt|cer)$",
                        re.IGNORECASE)
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
_URL = re.compile(r"^(?:https?|ftp)://", re.IGNORECASE)
_EXAMPLE_KEYS = frozenset({
    "AKIAIOSFODNN7EXAMPLE",
    "VelvetSweatshop",  # Excel's published default encryption password
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
})
# The passwords at the top of every published "worst passwords" list (several languages): in a
# table that names no account they are awareness material, not somebody's password.
_COMMON_PASSWORDS = frozenset("""
123456 1234567 12345678 123456789 1234567890 12345 1234 111111 000000 123123 654321 666666 121212 123321
password password1 passw0rd qwerty qwerty123 qwertz azerty azertyuiop abc123 iloveyou admin welcome
letmein monkey dragon football sunshine princess master trustno1 hello freedom whatever 1q2w3e4r
soleil doudou loulou chouchou motdepasse marseille bonjour passwort hallo schatz hallo123 contrasena
contraseña ciao amore senha 123mudar wachtwoord welkom
""".split())
_OPTION = re.compile(r"^--?[A-Za-z][\w-]*$")
_LETTERS_ONLY = re.compile(r"^[^\W\d_]+$")
_IDENTIFIER = re.compile(r"^[a-z_][a-z_]*$")
_PASSWORD_STEMS = ("password", "passwd", "passwort", "motdepasse", "mot_de_passe", "kennwort", "wachtwoord",
                   "contrasena", "senha")


def is_masked(value: str) -> bool:
    return bool(_MASK.match(value)) or "***" in value or "•••" in value or "●●●" in value


def is_placeholder(value: str) -> bool:
    stripped = value.strip().rstrip(".,;:")
    folded = fold(stripped.strip(" \t\"'`()[]{}<>«»"))
    if _PLACEHOLDER_WRAPPED.match(stripped) or folded in _PLACEHOLDER_WORDS:
        return True
    if stripped[:1] in "([{<" and (" " in stripped or stripped[-1:] in ")]}>"):
        return True  # "(entrée « SQL prod »)", "(CBC)": a note in brackets, not a secret
    if (" " in folded or _IDENTIFIER.match(folded)) and PASSWORD_RE.search(folded.replace("_", " ")):
        return True  # "db_password", "Mot de passe VNC": the name of a password, not its value
    if _IDENTIFIER.match(folded) and any(term in folded for term in _PASSWORD_STEMS):
        return True  # "viewonlypassword", "UserPasswd": an identifier naming a password
    if "example" in folded or "exemple" in folded or "changeme" in folded or "change_me" in folded:
        return True
    if folded.startswith(("your", "my_", "votre", "ihr_", "tu_", "il_tuo", "uw_")) and _LETTERS_ONLY.match(
            folded.replace("_", "").replace("-", "")):
        return True
    # "password", "<password>", "Passwort", "mot_de_passe" as a value: a label, not a secret
    return bool(PASSWORD_RE.fullmatch(folded.replace("_", " ").replace("-", " ")))


def is_pointer(value: str) -> bool:
    """'voir KeePass', 'idem', 'cf. coffre', 'envoyé par SMS': says where the secret is kept."""
    return bool(_POINTER_START.match(value.strip()))


def is_policy_prose(value: str) -> bool:
    words = value.split()
    if len(words) >= 3 and _POLICY.search(value):
        return True
    # "Saisissez votre mot de passe": several plain words are a sentence, not a password
    return len(words) >= 3 and sum(1 for w in words if _LETTERS_ONLY.match(w.strip(".,;:!?"))) >= len(words) - 1


def is_code_reference(value: str) -> bool:
    stripped = value.strip()
    return bool(_CODE_REFERENCE.match(stripped) or _CALL.match(stripped))


def is_common_password(value: str) -> bool:
    """One of the handful of passwords every awareness slide lists ("123456", "azerty")."""
    value = fold(value.strip())
    return value in _COMMON_PASSWORDS or value.isdigit() and ("123456" in value or len(set(value)) == 1)


def is_known_example(value: str) -> bool:
    return value in _EXAMPLE_KEYS or value.endswith("EXAMPLE") or value.endswith("EXAMPLEKEY")


def is_date(value: str) -> bool:
    return bool(_DATE.match(value.strip()))


def is_other_data(value: str) -> bool:
    """Dates, phone numbers, IP addresses, versions, UUIDs, hashes, file names, e-mails, URLs."""
    stripped = value.strip()
    return bool(_DATE.match(stripped) or _PHONE.match(stripped) or _IPV4.match(stripped)
                or _VERSION.match(stripped) or _YEARS.match(stripped) or _UUID.match(stripped) or _HEX_HASH.match(stripped)
                or _FILE_NAME.match(stripped) or _EMAIL.match(stripped) or _URL.match(stripped))


def not_a_secret(value: str, *, allow_other_data: bool = False) -> bool:
    """True when `value`, found where a password would be, is not worth reporting."""
    stripped = value.strip()
    if not stripped or len(stripped) < 2:
        return True
    if stripped.isdigit() and len(stripped) < 4:
        return True  # "8", "12": a length or a count, not a PIN
    if is_masked(stripped) or is_placeholder(stripped) or is_pointer(stripped):
        return True
    if is_policy_prose(stripped) or is_code_reference(stripped) or is_known_example(stripped):
        return True
    if _OPTION.match(stripped):
        return True  # "-Identity", "--password-stdin": the next command-line option, not a value
    if "</" in stripped or "/>" in stripped:
        return True  # markup read as text: "x</t></is>" is the end of an XML element
    return not allow_other_data and is_other_data(stripped)
