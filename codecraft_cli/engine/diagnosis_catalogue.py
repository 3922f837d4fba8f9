"""The mistakes students make, as data: what the evidence says, the cause, the fix in the console's words.

Each entry: ``code`` (stable), ``pattern`` (a regular expression searched in one line of evidence:
a log line of the function, or ``"<status> <body>"`` of the API's answer), optional ``when`` (a
condition on the function's configuration, named in ``engine/diagnosis.py``), ``source`` ("log",
default, or "api"), and ``message``/``fix`` in French and English. ``{name}`` in the texts is
filled from the pattern's named groups and from the facts of the function (``{function}``,
``{role}``, ``{handler}``, ``{timeout}``, ``{memory}``, ``{file}``, ``{line}``, ``{where}``).
The first entry that matches a line wins: the specific ones come first.

The log lines are as Lambda's Python runtime writes them (``[ERROR] Type: message`` then the
traceback with ``/var/task/<file>.py`` paths, "AWS Lambda function errors in Python",
https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html; the runtime's own error
types ``Runtime.ImportModuleError``, ``Runtime.HandlerNotFound``, ``Runtime.UserCodeSyntaxError``,
``Runtime.MarshalError`` come from aws-lambda-python-runtime-interface-client's bootstrap.py);
``Task timed out after 3.00 seconds`` and ``Runtime exited with error: signal: killed``
("Troubleshoot invocation issues in Lambda",
https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html). The API answers
are API Gateway's ("Missing Authentication Token": route or method not deployed to the stage,
https://repost.aws/knowledge-center/api-gateway-authentication-token-errors; 500 "Internal server
error" when API Gateway may not invoke the function, 502 "Malformed Lambda proxy response",
https://repost.aws/knowledge-center/malformed-502-api-gateway; 401 "Unauthorized" from a Cognito
authorizer; 429 "Too Many Requests" when throttled; 504 after the 29 s integration timeout,
https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).

Kept as data so that issue 13 can move the texts to gettext.
"""

from __future__ import annotations

from .diagnosis_catalogue_services import SERVICES, Entry, T

__all__ = ["CATALOGUE", "Entry", "T"]

_ROLE_FIX: T = {
    "fr": "IAM › Rôles › {role} › Ajouter des autorisations › Créer une politique en ligne : autorisez {action} "
          "sur {resource}.",
    "en": "IAM › Roles › {role} › Add permissions › Create inline policy: allow {action} on {resource}.",
}

CATALOGUE: list[Entry] = [
    # -- DynamoDB ---------------------------------------------------------------------------
    {"code": "float-to-dynamodb",
     "pattern": r"Float types are not supported\. Use Decimal types instead",
     "message": {"fr": "La fonction passe des nombres à virgule (float) à DynamoDB, qui exige des Decimal "
                       "({where}).",
                 "en": "The function passes floats to DynamoDB, which requires Decimal ({where})."},
     "fix": {"fr": "Dans le code (Lambda › {function} › Code) : lisez le corps avec "
                   "json.loads(event['body'], parse_float=Decimal) (from decimal import Decimal), puis Déployer.",
             "en": "In the code (Lambda › {function} › Code): read the body with "
                   "json.loads(event['body'], parse_float=Decimal) (from decimal import Decimal), then Deploy."}},
    {"code": "decimal-not-serializable",
     "pattern": r"Object of type Decimal is not JSON serializable",
     "message": {"fr": "json.dumps reçoit un Decimal lu dans DynamoDB ({where}).",
                 "en": "json.dumps is given a Decimal read from DynamoDB ({where})."},
     "fix": {"fr": "Convertissez les Decimal avant de répondre : json.dumps(item, default=str) (ou int/float).",
             "en": "Convert the Decimals before answering: json.dumps(item, default=str) (or int/float)."}},
    {"code": "dynamodb-key-missing",
     "pattern": r"Missing the key (?P<key>\S+) in the item|One of the required keys was not given a value",
     "message": {"fr": "L'élément écrit dans DynamoDB n'a pas la clé de partition de la table ({key}).",
                 "en": "The item written to DynamoDB lacks the table's partition key ({key})."},
     "fix": {"fr": "Le nom de la clé doit être celui de la table (DynamoDB › Tables › la table › Vue d'ensemble "
                   "› Clé de partition) et figurer dans la requête envoyée.",
             "en": "The key's name must be the table's (DynamoDB › Tables › the table › Overview › Partition "
                   "key) and be present in the request sent."}},
    {"code": "dynamodb-key-type",
     "pattern": r"Type mismatch for key (?P<key>\S+) expected: (?P<want>\w+) actual: (?P<got>\w+)",
     "message": {"fr": "La clé {key} est envoyée en type {got}, la table attend {want}.",
                 "en": "The key {key} is sent as {got}; the table expects {want}."},
     "fix": {"fr": "Envoyez la clé dans le type de la table (chaîne pour S : str(...)).",
             "en": "Send the key in the table's type (a string for S: str(...))."}},
    {"code": "table-not-found",
     "pattern": r"ResourceNotFoundException\)?[^\n]*(?:Requested resource not found|non-existent table)",
     "message": {"fr": "La table DynamoDB que la fonction nomme n'existe pas (nom ou région faux).",
                 "en": "The DynamoDB table the function names does not exist (wrong name or region)."},
     "fix": {"fr": "Lambda › {function} › Configuration › Variables d'environnement › Modifier : le nom exact "
                   "de la table (DynamoDB › Tables), dans la même région.",
             "en": "Lambda › {function} › Configuration › Environment variables › Edit: the table's exact name "
                   "(DynamoDB › Tables), in the same region."}},
    # -- IAM ----------------------------------------------------------------------------------
    {"code": "access-denied",
     "pattern": r"(?:when calling the (?P<operation>\w+) operation: )?User: (?P<principal>\S+) is not authorized to "
                r"perform: (?P<action>[\w-]+:[\w*-]+)(?: on resource: \"?(?P<resource>[^\"\s]+)\"?)?",
     "message": {"fr": "Le rôle {role} n'autorise pas {action} sur {resource}.",
                 "en": "The role {role} does not allow {action} on {resource}."},
     "fix": _ROLE_FIX},
    {"code": "s3-access-denied",
     "pattern": r"\(AccessDenied\) when calling the (?P<operation>\w+) operation: Access Denied",
     "message": {"fr": "S3 refuse {operation} au rôle {role} (politique du rôle ou du compartiment).",
                 "en": "S3 refuses {operation} to the role {role} (the role's or the bucket's policy)."},
     "fix": {"fr": "IAM › Rôles › {role} › Ajouter des autorisations : s3:{operation} sur "
                   "arn:aws:s3:::<compartiment>/* ; vérifiez aussi S3 › le compartiment › Autorisations.",
             "en": "IAM › Roles › {role} › Add permissions: s3:{operation} on arn:aws:s3:::<bucket>/*; check "
                   "also S3 › the bucket › Permissions."}},
    # -- the event, the code ------------------------------------------------------------------
    {"code": "missing-env-var", "when": "env_lacks",
     "pattern": r"KeyError: '(?P<variable>[A-Za-z_][A-Za-z0-9_]*)'",
     "message": {"fr": "La fonction lit la variable d'environnement {variable}, qu'elle n'a pas ({where}).",
                 "en": "The function reads the environment variable {variable}, which it does not have ({where})."},
     "fix": {"fr": "Lambda › {function} › Configuration › Variables d'environnement › Modifier : ajoutez "
                   "{variable} (nom exact, majuscules comprises).",
             "en": "Lambda › {function} › Configuration › Environment variables › Edit: add {variable} (exact "
                   "name, case included)."}},
    {"code": "keyerror-body",
     "pattern": r"KeyError: 'body'",
     "message": {"fr": "L'événement reçu n'a pas de champ body : l'intégration proxy Lambda est désactivée, ou "
                       "la fonction est testée avec l'événement de test de la console Lambda ({where}).",
                 "en": "The event has no body field: the Lambda proxy integration is off, or the function is "
                       "tested with the Lambda console's test event ({where})."},
     "fix": {"fr": "API Gateway › la méthode › Requête d'intégration › Modifier : cochez « Intégration de proxy "
                   "Lambda », puis Déployer l'API ; pour un test dans la console, un événement « apigateway-aws-"
                   "proxy » avec body.",
             "en": "API Gateway › the method › Integration request › Edit: turn on \"Lambda proxy integration\", "
                   "then Deploy API; to test in the console, an \"apigateway-aws-proxy\" event with a body."}},
    {"code": "keyerror-records",
     "pattern": r"KeyError: 'Records'",
     "message": {"fr": "La fonction attend un événement de déclencheur (Records : S3, SQS, SNS, DynamoDB) et en "
                       "reçoit un autre ({where}).",
                 "en": "The function expects a trigger's event (Records: S3, SQS, SNS, DynamoDB) and receives "
                       "another one ({where})."},
     "fix": {"fr": "Invoquez-la par son déclencheur (Lambda › {function} › Configuration › Déclencheurs), ou "
                   "testez avec le modèle d'événement de ce service.",
             "en": "Invoke it through its trigger (Lambda › {function} › Configuration › Triggers), or test "
                   "with that service's event template."}},
    {"code": "keyerror-field",
     "pattern": r"KeyError: '(?P<key>[^']+)'",
     "message": {"fr": "Le champ {key} manque dans les données reçues ({where}).",
                 "en": "The field {key} is missing from the data received ({where})."},
     "fix": {"fr": "Par l'intégration proxy, les champs envoyés sont dans json.loads(event['body']), pas dans "
                   "event ; envoyez {key}, ou lisez-le avec .get('{key}') et répondez 400 s'il manque.",
             "en": "Through the proxy integration, the fields sent are in json.loads(event['body']), not in event; "
                   "send {key}, or read it with .get('{key}') and answer 400 when it is missing."}},
    {"code": "none-subscript",
     "pattern": r"'NoneType' object is not subscriptable",
     "message": {"fr": "Le code indexe une valeur None ({where}) : queryStringParameters ou pathParameters valent "
                       "None quand la requête n'en a pas, et .get() renvoie None pour un champ absent.",
                 "en": "The code indexes a None value ({where}): queryStringParameters or pathParameters are None "
                       "when the request has none, and .get() returns None for a missing field."},
     "fix": {"fr": "Lisez (event.get('queryStringParameters') or {{}}).get('id') et répondez 400 quand il manque.",
             "en": "Read (event.get('queryStringParameters') or {{}}).get('id') and answer 400 when it is missing."}},
    {"code": "read-only-fs",
     "pattern": r"\[Errno 30\] Read-only file system: '?(?P<path>[^'\s]+)",
     "message": {"fr": "La fonction écrit dans {path} : seul /tmp est inscriptible sur Lambda.",
                 "en": "The function writes to {path}: only /tmp is writable on Lambda."},
     "fix": {"fr": "Écrivez sous /tmp (jusqu'à 512 Mo par défaut, Configuration › Stockage éphémère).",
             "en": "Write under /tmp (512 MB by default, Configuration › Ephemeral storage)."}},
    {"code": "json-loads-none",
     "pattern": r"the JSON object must be str, bytes or bytearray, not NoneType",
     "message": {"fr": "json.loads reçoit None : la requête n'a pas de corps ({where}).",
                 "en": "json.loads is given None: the request has no body ({where})."},
     "fix": {"fr": "Envoyez un corps JSON (POST, Content-Type: application/json) ; dans le code, traitez "
                   "event.get('body') absent.",
             "en": "Send a JSON body (POST, Content-Type: application/json); in the code, handle a missing "
                   "event.get('body')."}},
    {"code": "json-loads-dict",
     "pattern": r"the JSON object must be str, bytes or bytearray, not dict",
     "message": {"fr": "json.loads reçoit un dict : body est déjà un objet (événement de test écrit à la main, "
                       "ou intégration non proxy) ({where}).",
                 "en": "json.loads is given a dict: body is already an object (a hand-written test event, or a "
                       "non-proxy integration) ({where})."},
     "fix": {"fr": "Avec l'intégration proxy, body est une chaîne JSON : dans l'événement de test, "
                   "\"body\": \"{{\\\"order_id\\\": ...}}\".",
             "en": "With the proxy integration, body is a JSON string: in the test event, "
                   "\"body\": \"{{\\\"order_id\\\": ...}}\"."}},
    {"code": "json-decode",
     "pattern": r"JSONDecodeError: (?P<detail>.*)",
     "message": {"fr": "Le corps de la requête n'est pas du JSON valide : {detail} ({where}).",
                 "en": "The request's body is not valid JSON: {detail} ({where})."},
     "fix": {"fr": "Envoyez du JSON (guillemets doubles, Content-Type: application/json) ; dans le code, "
                   "répondez 400 sur json.JSONDecodeError.",
             "en": "Send JSON (double quotes, Content-Type: application/json); in the code, answer 400 on "
                   "json.JSONDecodeError."}},
    {"code": "base64-padding",
     "pattern": r"(?:binascii\.)?Error: (?:Incorrect padding|Invalid base64)",
     "message": {"fr": "Le contenu reçu n'est pas du base64 valide ({where}).",
                 "en": "The content received is not valid base64 ({where})."},
     "fix": {"fr": "Encodez le fichier en base64 avant l'envoi ; lisez event['isBase64Encoded'] côté fonction.",
             "en": "Encode the file in base64 before sending it; read event['isBase64Encoded'] in the function."}},
    {"code": "jpeg-rgba",
     "pattern": r"cannot write mode (?P<mode>\w+) as JPEG",
     "message": {"fr": "Pillow ne peut pas enregistrer une image {mode} en JPEG ({where}).",
                 "en": "Pillow cannot save a {mode} image as JPEG ({where})."},
     "fix": {"fr": "Convertissez avant d'enregistrer : image.convert('RGB').",
             "en": "Convert before saving: image.convert('RGB')."}},
    # -- the handler, the package --------------------------------------------------------------
    {"code": "handler-file", "when": "missing_is_handler_module",
     "pattern": r"Runtime\.ImportModuleError: Unable to import module '(?P<module>[^']+)': No module named "
                r"'(?P<missing>[^']+)'",
     "message": {"fr": "Le gestionnaire {handler} désigne le fichier {module}.py, absent du paquet de la fonction.",
                 "en": "The handler {handler} names the file {module}.py, which is not in the function's package."},
     "fix": {"fr": "Lambda › {function} › Code › Paramètres d'exécution › Modifier › Gestionnaire : "
                   "<fichier sans .py>.<fonction> (par défaut lambda_function.lambda_handler) ; dans un .zip, "
                   "le fichier à la racine, pas dans un dossier.",
             "en": "Lambda › {function} › Code › Runtime settings › Edit › Handler: <file without .py>.<function> "
                   "(by default lambda_function.lambda_handler); in a .zip, the file at the root, not in a folder."}},
    {"code": "missing-dependency",
     "pattern": r"Runtime\.ImportModuleError: Unable to import module '(?P<module>[^']+)': No module named "
                r"'(?P<missing>[^'.]+)",
     "message": {"fr": "Le module {missing} n'est pas dans le paquet de la fonction ni dans une couche.",
                 "en": "The module {missing} is neither in the function's package nor in a layer."},
     "fix": {"fr": "Ajoutez-le au .zip (pip install {missing} --target . avec --platform manylinux2014_x86_64 "
                   "s'il est compilé) ou Lambda › {function} › Couches › Ajouter une couche.",
             "en": "Add it to the .zip (pip install {missing} --target ., with --platform manylinux2014_x86_64 "
                   "when compiled) or Lambda › {function} › Layers › Add a layer."}},
    {"code": "wrong-platform-build",
     "pattern": r"cannot import name '_\w+' from '(?P<package>[\w.]+)'|invalid ELF header|wrong ELF class|"
                r"GLIBC_[\d.]+' not found",
     "message": {"fr": "Un paquet compilé ({package}) a été construit pour une autre plateforme que Lambda "
                       "(macOS, Windows, autre version de Python).",
                 "en": "A compiled package ({package}) was built for another platform than Lambda (macOS, Windows, "
                       "another Python version)."},
     "fix": {"fr": "pip install --platform manylinux2014_x86_64 --implementation cp --python-version 3.12 "
                   "--only-binary=:all: --target . <paquet>, puis rezippez.",
             "en": "pip install --platform manylinux2014_x86_64 --implementation cp --python-version 3.12 "
                   "--only-binary=:all: --target . <package>, then zip again."}},
    {"code": "import-error",
     "pattern": r"Runtime\.ImportModuleError: Unable to import module '(?P<module>[^']+)': (?P<detail>.*)",
     "message": {"fr": "Le module {module} ne s'importe pas : {detail}.",
                 "en": "The module {module} does not import: {detail}."},
     "fix": {"fr": "Corrigez l'import dans Lambda › {function} › Code, puis Déployer.",
             "en": "Fix the import in Lambda › {function} › Code, then Deploy."}},
    {"code": "handler-function",
     "pattern": r"Runtime\.HandlerNotFound: Handler '(?P<name>[^']+)' missing on module '(?P<module>[^']+)'",
     "message": {"fr": "Le fichier {module}.py n'a pas de fonction {name} (gestionnaire {handler}).",
                 "en": "The file {module}.py has no function {name} (handler {handler})."},
     "fix": {"fr": "Lambda › {function} › Code › Paramètres d'exécution › Modifier › Gestionnaire : "
                   "{module}.<nom de la fonction def>, ou renommez la fonction en {name}.",
             "en": "Lambda › {function} › Code › Runtime settings › Edit › Handler: {module}.<name of the def>, "
                   "or rename the function {name}."}},
    {"code": "handler-malformed",
     "pattern": r"Runtime\.MalformedHandlerName: (?P<detail>.*)",
     "message": {"fr": "Le gestionnaire {handler} n'a pas la forme fichier.fonction.",
                 "en": "The handler {handler} is not of the form file.function."},
     "fix": {"fr": "Lambda › {function} › Code › Paramètres d'exécution › Modifier › Gestionnaire : "
                   "lambda_function.lambda_handler.",
             "en": "Lambda › {function} › Code › Runtime settings › Edit › Handler: lambda_function.lambda_handler."}},
    {"code": "syntax-error",
     "pattern": r"Runtime\.UserCodeSyntaxError: (?P<detail>.*)",
     "message": {"fr": "Erreur de syntaxe dans le code : {detail}.",
                 "en": "Syntax error in the code: {detail}."},
     "fix": {"fr": "Corrigez la ligne indiquée dans Lambda › {function} › Code, puis Déployer.",
             "en": "Fix the line shown in Lambda › {function} › Code, then Deploy."}},
    {"code": "marshal-error",
     "pattern": r"Runtime\.MarshalError|Unable to marshal response: (?P<detail>.*)",
     "message": {"fr": "La valeur renvoyée par la fonction ne se convertit pas en JSON.",
                 "en": "The function's return value cannot be converted to JSON."},
     "fix": {"fr": "Renvoyez {{'statusCode': 200, 'body': json.dumps(..., default=str)}}.",
             "en": "Return {{'statusCode': 200, 'body': json.dumps(..., default=str)}}."}},
    # -- configuration limits --------------------------------------------------------------------
    {"code": "timeout",
     "pattern": r"Task timed out after (?P<seconds>[\d.]+) seconds",
     "message": {"fr": "La fonction dépasse son délai d'expiration ({seconds} s).",
                 "en": "The function exceeds its timeout ({seconds} s)."},
     "fix": {"fr": "Lambda › {function} › Configuration › Configuration générale › Modifier › Délai "
                   "d'expiration : 10 s ou plus (3 s par défaut) ; créez les clients hors du gestionnaire.",
             "en": "Lambda › {function} › Configuration › General configuration › Edit › Timeout: 10 s or more "
                   "(3 s by default); create clients outside the handler."}},
    {"code": "out-of-memory",
     "pattern": r"Runtime exited with error: signal: killed|Runtime\.OutOfMemory|\bMemoryError\b",
     "message": {"fr": "La fonction manque de mémoire ({memory} Mo).",
                 "en": "The function runs out of memory ({memory} MB)."},
     "fix": {"fr": "Lambda › {function} › Configuration › Configuration générale › Modifier › Mémoire : "
                   "augmentez-la (par exemple 512 Mo).",
             "en": "Lambda › {function} › Configuration › General configuration › Edit › Memory: raise it "
                   "(for example 512 MB)."}},
    {"code": "runtime-exit",
     "pattern": r"Runtime exited with error: exit status (?P<status>\d+)",
     "message": {"fr": "Le processus de la fonction s'est arrêté (sys.exit ou exit) avant de répondre.",
                 "en": "The function's process ended (sys.exit or exit) before answering."},
     "fix": {"fr": "Ne terminez pas le processus : renvoyez une réponse ou levez une exception.",
             "en": "Do not end the process: return an answer or raise an exception."}},
    {"code": "throttled",
     "pattern": r"TooManyRequestsException|ThrottlingException|Rate exceeded|ProvisionedThroughputExceeded",
     "message": {"fr": "Un service limite le débit des appels (throttling).",
                 "en": "A service throttles the calls."},
     "fix": {"fr": "Réessayez plus lentement ; vérifiez la concurrence réservée (Lambda › {function} › "
                   "Configuration › Simultanéité) et les quotas du compte.",
             "en": "Retry more slowly; check the reserved concurrency (Lambda › {function} › Configuration › "
                   "Concurrency) and the account's quotas."}},
    *SERVICES,
]
