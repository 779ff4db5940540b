"""French words (the motivating leak was French). Matched on folded text unless noted."""

from __future__ import annotations

# Password labels: regex fragments over folded text, longest alternatives first.
PASSWORD_LABELS: tuple[str, ...] = (
    r"mots?[ _.-]?de[ _.-]?pass?e?s?", r"m\.d\.p\.?", r"mdp", r"motdepasse", r"code[ _-]secret",
    r"code confidentiel", r"cle (?:wifi|wi-fi|wpa2?|wep|de securite reseau)", r"cle wpa2?",
)
# Labels too common to trust alone ("clé : X"): the value must look like a password.
WEAK_LABELS: tuple[str, ...] = (r"cle", r"clef")
LOGIN_CUES: tuple[str, ...] = ("identifiant", "identifiants", "utilisateur", "compte", "usager", "nom d'utilisateur")
# Verbs between a label and its value ("le mot de passe est X").
COPULAS: tuple[str, ...] = ("est", "etait", "était")
HEADER_WORDS: frozenset[str] = frozenset("""
identifiant identifiants utilisateur compte nom prenom site hopital etablissement service serveur hote adresse
lien appli logiciel base bdd commentaire commentaires remarque remarques courriel telephone tel acces statut
profil poste ville domaine libelle valeur parametre parametres champ portail outil materiel equipement modele
numero responsable proprietaire departement unite ordinateur systeme
""".split())
# Header qualifiers that make a password column about passwords, not holding them.
COLUMN_QUALIFIERS: tuple[str, ...] = (
    r"changement", r"dernier", r"derniere", r"longueur", r"politique", r"regle", r"regles", r"empreinte",
    r"oublie", r"reinit\w*", r"complexite", r"duree", r"validite", r"force", r"requis", r"exige", r"statut",
    r"indice", r"rappel", r"nombre", r"jamais", r"chiffre", r"sel", r"mis a jour", r"envoye", r"communique",
    r"a changer", r"doit",
)
PLACEHOLDERS: frozenset[str] = frozenset("""
motdepasse mot_de_passe mdp masque masquee cache confidentiel vide néant neant aucun aucune rien sans
identique pareil meme lui-meme defaut inchange oui non vrai faux obligatoire facultatif votre_mot_de_passe
mdp_ici ici voir dans exemple
""".split())
# Value openings that say where the secret is kept (regex fragments, raw text, case-insensitive).
POINTERS: tuple[str, ...] = (
    r"voir", r"dans", r"stocke", r"stocké", r"conserve", r"enregistre", r"envoye", r"envoyé", r"transmis",
    r"communique", r"communiqué", r"fourni", r"donne", r"donné", r"remis", r"demander", r"demandez",
    r"contacter", r"appeler", r"sur demande", r"a demander", r"à demander", r"par sms", r"identique", r"comme",
    r"ci-dessus", r"coffre", r"tresor", r"trésor", r"enveloppe", r"sous pli", r"inchang", r"pas de", r"aucun",
    r"non communiqu", r"non renseign", r"à définir", r"a definir", r"à venir", r"en attente",
)
# Words of password policies ("au moins 8 caractères").
POLICY_WORDS: tuple[str, ...] = (r"caracteres?", r"au moins", r"doit", r"contenir", r"longueur")
# Words before a list of what not to choose, or of examples ("exemples de mots de passe interdits :"):
# a value after them is nobody's password (regex fragments over folded text).
EXAMPLE_WORDS: tuple[str, ...] = ("exemples?", "interdits?", "pires")
# Markers that introduce an example inside a sentence (regex fragments, raw text, case-insensitive).
EXAMPLE_MARKERS: tuple[str, ...] = ("exemples?", r"p\.ex\.", "par exemple", "comme")
# Prepositions before what a password opens ("the password of Office365"; raw text, case-insensitive).
OF_WORDS: tuple[str, ...] = ("de", "du", "des", "pour")
# Prose cues (rules/prose.py), regex fragments over folded text. A Wi-Fi key: the word after "wifi"
# ("wifi key"), and the word before it ("clé wifi", "code wlan").
WIFI_KEY_AFTER: tuple[str, ...] = ()
WIFI_KEY_BEFORE: tuple[str, ...] = ("cle",)
# "réinitialisé à X": the reset verb and its preposition.
RESET_CUES: tuple[str, ...] = (r"reinitialise(?:e|s)? a",)
# "nouveau : X", "ancien = Y": words before a new or old value (after a credential was named).
NEW_WORDS: tuple[str, ...] = ("nouveau", "nouvelle", "ancien", "ancienne")
# Abbreviations that count only with their value right after them ("pw: X").
SHORT_CUES: tuple[str, ...] = ("mdp",)
# Words that name a credential just before "nouveau :" (with the password labels).
CREDENTIAL_WORDS: tuple[str, ...] = ("identifiant", "acces", r"\bcle\b")
# What an account / password pair opens, as the label before it ("SQL : sa / X"; folded, whole words).
ACCESS_LABELS: tuple[str, ...] = ("acces", r"identifiants?", "compte", "utilisateur", r"domaine?", "portail", "appli", "bdd", "base", "sgbd")
# Phrases before "user / password" on its line ("se connecter avec demo / X"; raw text, any case).
PAIR_PHRASES: tuple[str, ...] = ("acces", r"identifiants?", "compte", "connecter avec", "utilisateur")
# Words between a password word in a sentence and its value ("... est X", "reset to X"; raw text, any case).
VALUE_COPULAS: tuple[str, ...] = ("est", "a", "à", "sera")
# "le code (d'accès) est X": the article, the code word, what the code opens, the verb (folded text).
CODE_ARTICLES: tuple[str, ...] = ("le",)
CODE_WORDS: tuple[str, ...] = ("code",)
CODE_QUALIFIERS: tuple[str, ...] = (r"d'?acces", "acces", "de connexion", "du portail", "de la porte", "alarme", "de l'alarme")
CODE_COPULAS: tuple[str, ...] = ("est",)

# Table headers, read by rules/table_password.py.
TABLE_CREDENTIAL_CUES: frozenset[str] = frozenset("""
acces cle cles clef valeur identifiants sesame
""".split())
TABLE_ACCOUNT_WORDS: frozenset[str] = frozenset("""
identifiant identifiants utilisateur compte comptes usager
""".split())
TABLE_TARGET_WORDS: frozenset[str] = frozenset("""
adresse hote serveur lien portail poste postes machine machines systeme equipement appareil logiciel logiciels
appli modalite
""".split())
TABLE_OTHER_DATA_WORDS: frozenset[str] = frozenset("""
nom prenom telephone portable courriel serie numero titre modele localisation batiment commentaire remarque
remarques statut etat ville abonne abonnes insee siret siren prix montant
""".split())
