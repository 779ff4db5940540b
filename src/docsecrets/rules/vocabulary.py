"""Words people use for passwords, logins and remote access, in the languages of our users.

French first (the motivating leak was French), then English, German, Spanish, Italian, Dutch
and Portuguese. Everything is matched on `fold(text)`: lower case, accents removed, so one
spelling covers "contraseña"/"contrasena" and "clé"/"cle".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower-case and strip accents: 'Contraseña' -> 'contrasena'. Length may change (ß)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_keep_length(text: str) -> str:
    """Like fold, but one output character per input character, so spans map back."""
    out = []
    for char in text:
        folded = fold(char)
        out.append(folded[0] if len(folded) >= 1 else char)
    return "".join(out)


# Password labels as regex fragments over folded text. Order matters little: the combined
# pattern prefers the longest alternative at a position because longer ones come first.
PASSWORD_TERMS: tuple[str, ...] = (
    # French
    r"mots?[ _.-]?de[ _.-]?pass?e?s?", r"m\.d\.p\.?", r"mdp", r"motdepasse", r"code[ _-]secret",
    r"code confidentiel", r"cle (?:wifi|wi-fi|wpa2?|wep|de securite reseau)", r"cle wpa2?",
    # English
    r"passwords?", r"passwd", r"pass[ _-]?phrase", r"passcode", r"pwd", r"pswd", r"pw",
    r"wifi[ _-]?(?:key|password)", r"wpa2?[ _-]?(?:key|psk|passphrase)", r"network key",
    r"enable secret", r"enable password", r"bindpw", r"psk",
    # German
    r"passwort(?:e|er)?", r"passworter", r"kennwort(?:e|er)?", r"kennworter", r"wlan[ _-]?schlussel",
    # Spanish
    r"contrasenas?", r"clave(?: de acceso)?", r"clave wifi",
    # Italian
    r"parola d['’ ]?ordine", r"parola chiave", r"chiave (?:wifi|wi-fi)",
    # Dutch
    r"wachtwoord(?:en)?", r"wifi[ _-]?sleutel", r"toegangscode",
    # Portuguese
    r"senhas?", r"palavra[ _-]passe", r"chave (?:wifi|wi-fi)",
    # plain "pass" / "passe" (e.g. "pass: X", "NAS_PASS=") is common in configs and notes
    r"passe?",
)

# Keys of configuration entries that hold a secret other than a password.
SECRET_KEY_TERMS: tuple[str, ...] = (
    r"client[_-]?secret", r"app[_-]?secret", r"secret[_-]?key", r"secret[_-]?access[_-]?key",
    r"access[_-]?key[_-]?secret", r"api[_-]?secret", r"api[_-]?key", r"apikey", r"api[_-]?token",
    r"access[_-]?token", r"auth[_-]?token", r"bearer[_-]?token", r"refresh[_-]?token", r"private[_-]?key",
    r"app[_-]?key", r"encryption[_-]?key", r"signing[_-]?key", r"master[_-]?key", r"blowfish[_-]?secret",
    r"secret", r"token", r"cle api", r"cle d'api", r"api[_-]?schlussel", r"shared[_-]?secret",
    r"webhook[_-]?secret", r"consumer[_-]?secret", r"license[_-]?key",
)

LOGIN_TERMS: tuple[str, ...] = (
    "identifiant", "identifiants", "login", "logon", "utilisateur", "user", "username", "user name",
    "compte", "account", "usager", "nom d'utilisateur", "benutzer", "benutzername", "anmeldename",
    "kennung", "usuario", "utente", "nome utente", "gebruiker", "gebruikersnaam", "usuario", "uid",
    "uname", "id",
)

# Remote-access and target words: what kind of access a credential opens.
ACCESS_KINDS: tuple[tuple[str, str], ...] = (
    ("VNC", r"\b(?:vnc|ultravnc|tightvnc|realvnc|tigervnc)\b"),
    ("RDP", r"\b(?:rdp|tse|terminal server|bureau a distance|remote desktop|mstsc|escritorio remoto|"
            r"remotedesktop|rds)\b"),
    ("SSH", r"\b(?:ssh|putty|sftp|scp)\b"),
    ("Telnet", r"\btelnet\b"),
    ("TeamViewer", r"\bteam ?viewer\b"),
    ("AnyDesk", r"\bany ?desk\b"),
    ("FTP", r"\bftps?\b"),
    ("database", r"\b(?:bdd|base de donnees|database|datenbank|base de datos|banca dati|databank|"
                 r"db|sql|mysql|mariadb|postgres(?:ql)?|oracle|sqlserver|mssql|mongodb|redis)\b"),
    ("VPN", r"\bvpn\b"),
    ("PACS", r"\bpacs\b"),
    ("remote access", r"\b(?:acces distant|acces a distance|teleassistance|telemaintenance|prise en main|"
                      r"fernwartung|fernzugriff|acceso remoto|accesso remoto|teleassistenza|"
                      r"remote access|remote support|toegang op afstand|acesso remoto)\b"),
)

# Column headers that are not credentials but make a row look like a table header.
HEADER_WORDS = frozenset("""
identifiant identifiants login logon utilisateur user username compte account nom name prenom
site hopital etablissement service serveur server host hote hostname ip adresse address url lien link
port application appli logiciel base bdd database db commentaire commentaires comment comments remarque
remarques notes note description type date email mail courriel telephone tel phone contact acces access
vnc rdp ssh statut status role profil poste machine ville city benutzer benutzername usuario utente
gebruiker gebruikersnaam nome nombre naam servidor dominio domaine domain id anydesk teamviewer version
libelle label valeur value parametre parametres parameter setting champ field instance sid schema
session web portail portal outil tool materiel equipement modele code numero ref reference responsable
owner proprietaire departement department unite unit ordinateur computer systeme system os
""".split())

# Header qualifiers that make a password column about passwords, not holding them.
NOT_A_PASSWORD_COLUMN = re.compile(
    r"\b(?:date|changement|change|changed|modif\w*|expiration|expire[sd]?|expiry|last|dernier|derniere|"
    r"longueur|length|lange|policy|politique|regle|regles|rule|rules|hash|hashed|empreinte|oublie|forgot|"
    r"forgotten|reset|reinit\w*|complexite|complexity|age|duree|validite|strength|force|requis|required|"
    r"exige|status|statut|hint|indice|question|rappel|reminder|nombre|count|never|jamais|min|max|minimum|"
    r"maximum|policy|richtlinie|encrypted|chiffre|salt|sel|format|mis a jour|updated|envoye|sent|"
    r"communique|a changer|to change|doit|must|muss|should|verschlusselt|ablauf|gultig\w*)\b")

# Substrings (of lower-cased text) without which no label above can match: a cheap test that
# lets the rules skip most cells and lines before folding accents and running regexes.
LABEL_STEMS: tuple[str, ...] = (
    "pass", "mdp", "m.d.p", "pw", "pswd", "kennw", "wachtw", "contrase", "clave", "senha", "parola", "palavra",
    "secret", "token", "key", "cle", "clé", "clef", "schl", "sleutel", "chiave", "chave", "psk", "motdepasse",
    "toegang", "code", "api", "</", "value",
)


_STEMS_RE = re.compile("|".join(re.escape(stem) for stem in LABEL_STEMS))


def may_hold_label(text: str) -> bool:
    return _STEMS_RE.search(text.lower()) is not None


PASSWORD_RE = re.compile(r"(?<![a-z0-9])(?:" + "|".join(PASSWORD_TERMS) + r")(?![a-z0-9])")
SECRET_KEY_RE = re.compile(r"(?<![a-z])(?:" + "|".join(SECRET_KEY_TERMS) + r")(?![a-z])")
# Labels too common to trust alone ("clé : X", "Schlüssel: X"): the value must look like a password.
WEAK_PASSWORD_TERMS: tuple[str, ...] = (r"cle", r"clef", r"schlussel", r"sleutel", r"chiave", r"chave")
# Short labels that are also ordinary words or abbreviations ("PASS +PUMP", "PW 40"): they count
# only with an explicit separator ("pass: X", "PW=X").
AMBIGUOUS_TERMS = frozenset({"pass", "passe", "pw", "psk", "clave"})


def access_kind(folded: str) -> str | None:
    """The first kind of access named in folded text ('VNC', 'RDP', ...), or None."""
    for kind, pattern in _ACCESS_PATTERNS:
        if pattern.search(folded):
            return kind
    return None


_ACCESS_PATTERNS = tuple((kind, re.compile(pattern)) for kind, pattern in ACCESS_KINDS)
