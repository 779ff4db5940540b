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
