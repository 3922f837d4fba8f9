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

from typing import Any

T = dict[str, str]
Entry = dict[str, Any]

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
     "fix": {"fr": "Envoyez {key} dans la requête, ou lisez-le avec .get('{key}') et répondez 400 s'il manque.",
             "en": "Send {key} in the request, or read it with .get('{key}') and answer 400 when it is missing."}},
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
                   "<fichier sans .py>.<fonction> (par défaut lambda_function.lambda_handler).",
             "en": "Lambda › {function} › Code › Runtime settings › Edit › Handler: <file without .py>.<function> "
                   "(by default lambda_function.lambda_handler)."}},
    {"code": "missing-dependency",
     "pattern": r"Runtime\.ImportModuleError: Unable to import module '(?P<module>[^']+)': No module named "
                r"'(?P<missing>[^'.]+)",
     "message": {"fr": "Le module {missing} n'est pas dans le paquet de la fonction ni dans une couche.",
                 "en": "The module {missing} is neither in the function's package nor in a layer."},
     "fix": {"fr": "Ajoutez-le au .zip (pip install {missing} --target . avec --platform manylinux2014_x86_64 "
                   "s'il est compilé) ou Lambda › {function} › Couches › Ajouter une couche.",
             "en": "Add it to the .zip (pip install {missing} --target ., with --platform manylinux2014_x86_64 "
                   "when compiled) or Lambda › {function} › Layers › Add a layer."}},
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
    # -- SNS, SQS, S3, Secrets Manager -------------------------------------------------------------
    {"code": "topic-not-found",
     "pattern": r"\((?:NotFound|NotFoundException)\) when calling the \w+ operation: Topic does not exist",
     "message": {"fr": "Le sujet SNS que la fonction nomme n'existe pas.",
                 "en": "The SNS topic the function names does not exist."},
     "fix": {"fr": "SNS › Rubriques › la rubrique › copiez l'ARN dans Lambda › {function} › Configuration › "
                   "Variables d'environnement.",
             "en": "SNS › Topics › the topic › copy its ARN into Lambda › {function} › Configuration › "
                   "Environment variables."}},
    {"code": "topic-arn-invalid",
     "pattern": r"\(InvalidParameter(?:Exception)?\) when calling the Publish operation: Invalid parameter: "
                r"(?P<detail>.*)",
     "message": {"fr": "L'ARN du sujet SNS est invalide ({detail}) : un nom à la place de l'ARN, ou un ARN mal copié.",
                 "en": "The SNS topic ARN is invalid ({detail}): a name instead of the ARN, or a mangled ARN."},
     "fix": {"fr": "SNS › Rubriques › la rubrique › ARN (arn:aws:sns:<région>:<compte>:<nom>) dans Lambda › "
                   "{function} › Configuration › Variables d'environnement.",
             "en": "SNS › Topics › the topic › ARN (arn:aws:sns:<region>:<account>:<name>) into Lambda › "
                   "{function} › Configuration › Environment variables."}},
    {"code": "queue-not-found",
     "pattern": r"NonExistentQueue|QueueDoesNotExist|The specified queue does not exist",
     "message": {"fr": "La file SQS que la fonction nomme n'existe pas (URL ou région fausse).",
                 "en": "The SQS queue the function names does not exist (wrong URL or region)."},
     "fix": {"fr": "SQS › Files d'attente › la file › copiez l'URL dans Lambda › {function} › Configuration › "
                   "Variables d'environnement.",
             "en": "SQS › Queues › the queue › copy its URL into Lambda › {function} › Configuration › "
                   "Environment variables."}},
    {"code": "s3-no-such-bucket",
     "pattern": r"NoSuchBucket|The specified bucket does not exist",
     "message": {"fr": "Le compartiment S3 que la fonction nomme n'existe pas.",
                 "en": "The S3 bucket the function names does not exist."},
     "fix": {"fr": "Le nom exact du compartiment (S3 › Compartiments, en minuscules) dans Lambda › {function} › "
                   "Configuration › Variables d'environnement.",
             "en": "The bucket's exact name (S3 › Buckets, lower case) in Lambda › {function} › Configuration › "
                   "Environment variables."}},
    {"code": "s3-no-such-key",
     "pattern": r"NoSuchKey|The specified key does not exist|\(404\) when calling the HeadObject operation",
     "message": {"fr": "L'objet S3 demandé n'existe pas (clé fausse, préfixe oublié, clé encodée en URL).",
                 "en": "The S3 object asked for does not exist (wrong key, prefix forgotten, URL-encoded key)."},
     "fix": {"fr": "Décodez la clé d'un événement S3 (urllib.parse.unquote_plus) et vérifiez-la dans S3 › "
                   "Compartiments › Objets.",
             "en": "Decode an S3 event's key (urllib.parse.unquote_plus) and check it in S3 › Buckets › Objects."}},
    {"code": "secret-not-found",
     "pattern": r"Secrets Manager can't find the specified secret",
     "message": {"fr": "Le secret que la fonction lit n'existe pas (nom, ARN ou région).",
                 "en": "The secret the function reads does not exist (name, ARN or region)."},
     "fix": {"fr": "Secrets Manager › Secrets › l'ARN exact dans Lambda › {function} › Configuration › "
                   "Variables d'environnement.",
             "en": "Secrets Manager › Secrets › the exact ARN in Lambda › {function} › Configuration › "
                   "Environment variables."}},
    {"code": "endpoint-unreachable",
     "pattern": r"Connect timeout on endpoint URL: \"?(?P<url>[^\"\s]+)",
     "message": {"fr": "La fonction n'atteint pas {url} : dans un VPC, sans point de terminaison ni NAT.",
                 "en": "The function cannot reach {url}: in a VPC, without an endpoint or NAT."},
     "fix": {"fr": "VPC › Points de terminaison › Créer un point de terminaison pour ce service (ou sortez la "
                   "fonction du VPC : Lambda › {function} › Configuration › VPC).",
             "en": "VPC › Endpoints › Create endpoint for that service (or take the function out of the VPC: "
                   "Lambda › {function} › Configuration › VPC)."}},
    # -- MySQL (PyMySQL) ----------------------------------------------------------------------
    {"code": "mysql-unreachable",
     "pattern": r"\(2003, \"Can't connect to MySQL server on '?(?P<host>[^'\"\s]+)",
     "message": {"fr": "La fonction n'atteint pas la base {host} (réseau, groupe de sécurité, VPC).",
                 "en": "The function cannot reach the database {host} (network, security group, VPC)."},
     "fix": {"fr": "RDS › Bases de données › la base › Connectivité et sécurité › groupes de sécurité VPC › "
                   "Règles entrantes : MySQL/Aurora 3306 depuis le groupe de sécurité de la fonction ; la "
                   "fonction dans le même VPC (Lambda › {function} › Configuration › VPC).",
             "en": "RDS › Databases › the database › Connectivity & security › VPC security groups › Inbound "
                   "rules: MySQL/Aurora 3306 from the function's security group; the function in the same VPC "
                   "(Lambda › {function} › Configuration › VPC)."}},
    {"code": "mysql-access-denied",
     "pattern": r"\(1045, \"Access denied for user '?(?P<user>[^'@\"]+)",
     "message": {"fr": "MySQL refuse l'utilisateur {user} : nom ou mot de passe faux.",
                 "en": "MySQL refuses the user {user}: wrong name or password."},
     "fix": {"fr": "Lisez l'utilisateur et le mot de passe du secret géré par RDS (Secrets Manager), jamais "
                   "écrits dans le code.",
             "en": "Read the user and password from the RDS-managed secret (Secrets Manager), never written in "
                   "the code."}},
    {"code": "mysql-unknown-database",
     "pattern": r"\(1049, \"Unknown database '(?P<database>[^']+)'",
     "message": {"fr": "La base {database} n'existe pas sur le serveur MySQL.",
                 "en": "The database {database} does not exist on the MySQL server."},
     "fix": {"fr": "Créez-la (CREATE DATABASE {database};) ou donnez le nom initial de la base (RDS › "
                   "Configuration › Nom de la base de données).",
             "en": "Create it (CREATE DATABASE {database};) or use the initial database name (RDS › "
                   "Configuration › DB name)."}},
    {"code": "mysql-table-missing",
     "pattern": r"\(1146, \"Table '(?P<table>[^']+)' doesn't exist",
     "message": {"fr": "La table MySQL {table} n'existe pas.",
                 "en": "The MySQL table {table} does not exist."},
     "fix": {"fr": "Créez-la (CREATE TABLE ...) avant la première requête.",
             "en": "Create it (CREATE TABLE ...) before the first query."}},
    {"code": "mysql-tls",
     "pattern": r"CERTIFICATE_VERIFY_FAILED|certificate verify failed|SSLError|SSL connection error|\(2026, ",
     "message": {"fr": "La connexion TLS à la base échoue (certificat non vérifié).",
                 "en": "The TLS connection to the database fails (certificate not verified)."},
     "fix": {"fr": "Joignez au paquet le bundle des CA RDS (global-bundle.pem) et passez "
                   "ssl={{'ca': 'global-bundle.pem'}} à pymysql.connect.",
             "en": "Ship the RDS CA bundle (global-bundle.pem) in the package and pass "
                   "ssl={{'ca': 'global-bundle.pem'}} to pymysql.connect."}},
    # -- API Gateway answers (``"<status> <body>"``) ------------------------------------------------
    {"code": "api-not-deployed", "source": "api",
     "pattern": r"^403 .*Missing Authentication Token",
     "message": {"fr": "API Gateway ne connaît pas cette route sur cette étape : méthode ou ressource absente, ou "
                       "API non redéployée depuis.",
                 "en": "API Gateway does not know this route on this stage: method or resource missing, or the "
                       "API not deployed since."},
     "fix": {"fr": "API Gateway › API › l'API › Ressources : créez la méthode, puis Déployer l'API sur l'étape.",
             "en": "API Gateway › APIs › the API › Resources: create the method, then Deploy API to the stage."}},
    {"code": "api-unauthorized", "source": "api",
     "pattern": r"^401 ",
     "message": {"fr": "L'autorisateur Cognito refuse la requête : jeton absent, expiré, ou pas dans l'en-tête "
                       "attendu.",
                 "en": "The Cognito authorizer refuses the request: token missing, expired, or not in the "
                       "expected header."},
     "fix": {"fr": "Envoyez le jeton d'ID (IdToken) dans l'en-tête Authorization (API Gateway › Autorisateurs › "
                   "Source du jeton).",
             "en": "Send the ID token in the Authorization header (API Gateway › Authorizers › Token source)."}},
    {"code": "api-forbidden", "source": "api",
     "pattern": r"^403 .*(?:not authorized to access this resource|Forbidden)",
     "message": {"fr": "API Gateway refuse l'accès (autorisateur, clé d'API ou politique de ressource).",
                 "en": "API Gateway denies access (authorizer, API key or resource policy)."},
     "fix": {"fr": "API Gateway › la méthode › Requête de méthode : vérifiez l'autorisation et la clé d'API.",
             "en": "API Gateway › the method › Method request: check the authorization and the API key."}},
    {"code": "api-throttled", "source": "api",
     "pattern": r"^429 ",
     "message": {"fr": "API Gateway limite le débit (429 Too Many Requests).",
                 "en": "API Gateway throttles the requests (429 Too Many Requests)."},
     "fix": {"fr": "Ralentissez ; vérifiez API Gateway › Étapes › l'étape › Limitation et les plans d'utilisation.",
             "en": "Slow down; check API Gateway › Stages › the stage › Throttling and the usage plans."}},
    {"code": "api-timeout", "source": "api",
     "pattern": r"^504 ",
     "message": {"fr": "L'intégration n'a pas répondu dans les 29 s d'API Gateway.",
                 "en": "The integration did not answer within API Gateway's 29 s."},
     "fix": {"fr": "Accélérez la fonction (Lambda › {function} › Configuration › Configuration générale).",
             "en": "Make the function faster (Lambda › {function} › Configuration › General configuration)."}},
]
