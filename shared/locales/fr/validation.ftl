# Messages du membre `errors` d'une 422, une liste par champ.
validation-length-between = La longueur doit être comprise entre { $min } et { $max }.
validation-length-min = La longueur doit être d'au moins { $min }.
validation-length-max = La longueur doit être d'au plus { $max }.
validation-length = Longueur invalide.
validation-range-between = Doit être compris entre { $min } et { $max }.
validation-range = Hors limites.
validation-email = Adresse e-mail invalide.
validation-invalid = Invalide ({ $code }).
validation-blank = Ne doit pas être vide.
validation-body-object = Le corps doit être un objet JSON.
validation-nul = Ne doit pas contenir de caractère NUL.
validation-field-unknown = Champ inconnu.
validation-field-missing = Ce champ est obligatoire.
validation-field-invalid = Valeur invalide : { $detail }
validation-query = Paramètres d'URL invalides : { $detail }
validation-cursor = Curseur invalide.
validation-action-unknown = Code d'action inconnu « { $code } ».
