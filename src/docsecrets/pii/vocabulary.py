"""Column headers of patient tables in French, English, German, Spanish, Italian, Dutch and
Portuguese, matched whole on `normalise(header)`: folded (lower case, no accents), every
character other than a letter or digit turned into one space ("N° Sécu :" -> "n secu").
"""

from __future__ import annotations

import re

from docsecrets.rules.vocabulary import fold

_NUMBER = r"(?:(?:n|no|num|numero|nr|number|nummer|nro)(?: de| du| d| of| da| di)? )?"
_OF_PATIENT = (r"(?: (?:du |de la |des |of |the |del |della |dello |van de |do |da )?"
               r"(?:patient|patiente|patients|malade|beneficiaire|assure|patienten|paciente|paziente|utente))?")

# one entry per column kind: the order is the order of the checks ("nom prenom" is a full name,
# not a last name)
COLUMN_KINDS: tuple[tuple[str, str], ...] = (
    ("full", r"nom (?:et )?prenoms?|prenoms? (?:et )?nom|nom complet|identite|full ?name|names?|naam|"
             r"nombre (?:y )?apellidos?|apellidos? (?:y )?nombre|nombre completo|nome (?:e )?cognome|"
             r"cognome (?:e )?nome|nome completo|nominativo|patients?|patiente|paciente|pacientes|pazienti|"
             r"paziente|patienten|patient name|patientenname|name vorname|vorname name|nachname vorname|"
             r"naam patient|volledige naam|identite du patient|nom du patient|nom patient|nome do utente"),
    ("birth", r"dates? (?:de )?naissance|date naiss|dt naiss|naissance|ddn|nee? le|ne e le|"
              r"date of birth|birth ?date|birthday|dob|d o b|born|geburtsdatum|geb datum|geboren(?: am)?|"
              r"fecha (?:de )?nacimiento|f nacimiento|fecha nac|f nac|nacimiento|data (?:di )?nascita|"
              r"data nasc|nato il|nata il|nato a|geboortedatum|data (?:de )?nascimento|nascimento"),
    ("nir", _NUMBER + r"(?:nir|secu|ss|securite sociale|insee|ins|ins nir|matricule ins|nia|carte vitale|ssn|"
                      r"social security(?: number| no)?|nhs(?: number| no)?|sozialversicherungsnummer|"
                      r"sv nummer|versichertennummer|krankenversichertennummer|kvnr|nuss|"
                      r"(?:(?:de )?(?:la )?)?seguridad social|tarjeta sanitaria|codice fiscale|"
                      r"tessera sanitaria|bsn|burgerservicenummer|sofinummer|niss|(?:de )?utente|"
                      r"(?:de )?seguranca social|nss)"),
    ("ipp", _NUMBER + r"(?:ipp|id patient|identifiant patient|patient|dossier patient|dossier medical|"
                      r"nda|patient id|patient number|patient no|mrn|medical record(?: number| no)?|"
                      r"hospital number|patientennummer|patienten id|patienten nr|fallnummer|"
                      r"historia clinica|nhc|cartella clinica|id paziente|patientnummer|"
                      r"patient nummer|patientnr|processo clinico)"),
    ("medical", r"diagnostics?|diagnosis|diagnoses|diagnosen?|diagnostico|diagnosi|pathologies?|pathology|"
                r"affection|maladie|disease|krankheit|erkrankung|enfermedad|malattia|patologia|ziekte|"
                r"aandoening|doenca|traitements?|treatments?|behandlung|therapie|tratamientos?|terapia|"
                r"trattamento|behandeling|tratamento|antecedents(?: medicaux)?|medical history|anamnese|"
                r"antecedentes|anamnesi|voorgeschiedenis|allergies?|allergien|alergias?|allergieen|"
                r"groupe sanguin|blood (?:group|type)|blutgruppe|grupo sanguineo|gruppo sanguigno|bloedgroep|"
                r"medicaments?|medications?|medikamente?|medikation|medicacion|medicamentos?|farmac[io]|"
                r"medicatie|geneesmiddelen|ordonnance|prescriptions?|verordnung|receta|prescrizione|"
                r"voorschrift|prescricao|cim 10|icd 10|icd|ccam|"
                r"motif (?:d |de )?(?:hospitalisation|admission|consultation|entree)|"
                r"reason for (?:admission|visit)|aufnahmegrund|motivo (?:de )?(?:ingreso|consulta)|"
                r"motivo (?:del )?ricovero|opnamereden|medecin traitant|attending physician|hausarzt|"
                r"medico de cabecera|medico curante|medico de familia|huisarts|symptomes?|symptoms?|"
                r"sintomas|sintomi|symptomen|vaccins?|vaccination|vaccines?|impfung|vacunas?|vaccino|"
                r"vaccinatie|vacinas?|date d admission|date d entree|date de sortie|admission date|"
                r"discharge date|aufnahmedatum|fecha de ingreso|data (?:di )?ricovero|opnamedatum|"
                r"data de internamento|hospitalisation|hospitalization"),
    ("address", r"adresses?(?: postale| du domicile| personnelle)?|domicile|address(?:es)?|home address|"
                r"postal address|street|anschrift|wohnort|wohnadresse|strasse|direccion|domicilio|calle|"
                r"indirizzo|residenza|adres|woonadres|straat|morada|endereco|rua"),
    ("first", r"prenoms?|first ?names?|given ?names?|forenames?|vornamen?|nombre|nome|voornaa?m(?:en)?|"
              r"roepnaam|primeiro nome|nome proprio"),
    ("last", r"noms?|nom de (?:naissance|famille|jeune fille)|nom d usage|nom usuel|nom patronymique|nom marital|"
             r"last ?names?|surnames?|family names?|nachnamen?|familienname|apellidos?|primer apellido|"
             r"cognom[ei]|achternaam|familienaam|sobrenome|apelidos?"),
)

_KINDS = tuple((kind, re.compile(rf"(?:patient |patients )?(?:{pattern}){_OF_PATIENT}"))
               for kind, pattern in COLUMN_KINDS)
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_MAX_CHARS = 48


def normalise(text: str) -> str:
    return _NOT_WORD.sub(" ", fold(text)).strip()


def column_kind(text: str) -> str | None:
    """What a header cell names: full, birth, nir, ipp, medical, address, first, last; or None."""
    if len(text) > _MAX_CHARS or not text.strip():
        return None
    label = normalise(text)
    if not label or label[0].isdigit():
        return None
    for kind, pattern in _KINDS:
        if pattern.fullmatch(label):
            return kind
    return None
