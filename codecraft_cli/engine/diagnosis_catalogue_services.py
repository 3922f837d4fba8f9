"""The catalogue's entries about the services a function calls (SNS, SQS, S3, SES, Secrets Manager,
credentials and endpoints, MySQL through PyMySQL) and API Gateway's own answers; the rules and
sources are those of ``diagnosis_catalogue.py``'s docstring. Error codes and messages as the
services answer them (botocore's ``An error occurred (CODE) when calling the OP operation: MESSAGE``;
MySQL client and server error numbers 1045, 1049, 1146, 2003, 2026,
https://dev.mysql.com/doc/mysql-errors/8.0/en/).
"""

from __future__ import annotations

from typing import Any

T = dict[str, str]
Entry = dict[str, Any]

SERVICES: list[Entry] = [
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
    {"code": "ses-unverified",
     "pattern": r"Email address is not verified\. The following identities failed the check in region "
                r"(?P<region>[\w-]+): (?P<identities>.*)",
     "message": {"fr": "SES refuse l'envoi : {identities} n'est pas vérifiée (SES en mode sandbox, région {region}).",
                 "en": "SES refuses to send: {identities} is not verified (SES in sandbox mode, region {region})."},
     "fix": {"fr": "SES › Identités vérifiées › Créer une identité, dans la région {region}, pour l'expéditeur ET "
                   "le destinataire (sandbox), puis cliquez le lien reçu.",
             "en": "SES › Verified identities › Create identity, in the region {region}, for the sender AND the "
                   "recipient (sandbox), then click the link received."}},
    {"code": "s3-invalid-bucket-name",
     "pattern": r"InvalidBucketName|Invalid bucket name \"(?P<bucket>[^\"]+)\"",
     "message": {"fr": "Le nom de compartiment utilisé n'est pas valide : minuscules, chiffres, points et tirets "
                       "seulement, 3 à 63 caractères.",
                 "en": "The bucket name used is not valid: lower-case letters, digits, dots and hyphens only, 3 "
                       "to 63 characters."},
     "fix": {"fr": "Utilisez le nom exact du compartiment créé (S3 › Compartiments), en minuscules, dans Lambda › "
                   "{function} › Configuration › Variables d'environnement.",
             "en": "Use the exact name of the bucket created (S3 › Buckets), in lower case, in Lambda › {function} "
                   "› Configuration › Environment variables."}},
    {"code": "dynamodb-key-schema",
     "pattern": r"The provided key element does not match the schema",
     "message": {"fr": "La clé donnée à DynamoDB ne correspond pas à la clé de la table (nom ou type, ou clé de "
                       "tri oubliée) ({where}).",
                 "en": "The key given to DynamoDB does not match the table's key (name or type, or a sort key "
                       "forgotten) ({where})."},
     "fix": {"fr": "Key={{'<clé de partition>': valeur}} avec le nom et le type de DynamoDB › Tables › la table › "
                   "Vue d'ensemble.",
             "en": "Key={{'<partition key>': value}} with the name and type of DynamoDB › Tables › the table › "
                   "Overview."}},
    {"code": "dynamodb-client-untyped",
     "pattern": r"Invalid type for parameter (?P<param>(?:Item|Key)\.[\w.]+), value: .*valid types: <class 'dict'>",
     "message": {"fr": "boto3.client('dynamodb') attend des valeurs typées ({{'S': '...'}}), pas {param} brut.",
                 "en": "boto3.client('dynamodb') expects typed values ({{'S': '...'}}), not a plain {param}."},
     "fix": {"fr": "Utilisez boto3.resource('dynamodb').Table(nom).put_item(Item=...) (valeurs Python), ou "
                   "typez chaque attribut.",
             "en": "Use boto3.resource('dynamodb').Table(name).put_item(Item=...) (Python values), or type "
                   "each attribute."}},
    {"code": "invalid-credentials",
     "pattern": r"UnrecognizedClientException|InvalidClientTokenId|InvalidAccessKeyId|"
                r"The security token included in the request is (?:invalid|expired)|ExpiredToken",
     "message": {"fr": "Les appels AWS de la fonction utilisent des clés invalides ou expirées (clés écrites dans "
                       "le code ou les variables d'environnement).",
                 "en": "The function's AWS calls use invalid or expired keys (keys written in the code or in the "
                       "environment variables)."},
     "fix": {"fr": "Retirez toute clé du code et des variables : boto3 prend celles du rôle d'exécution ; donnez "
                   "les autorisations au rôle (IAM › Rôles › {role}).",
             "en": "Remove every key from the code and the variables: boto3 takes the execution role's; give "
                   "the permissions to the role (IAM › Roles › {role})."}},
    {"code": "endpoint-connect",
     "pattern": r"Could not connect to the endpoint URL: \"?(?P<url>[^\"\s]+)",
     "message": {"fr": "La fonction n'atteint pas {url} : région mal écrite, ou fonction dans un VPC sans accès "
                       "à ce service.",
                 "en": "The function cannot reach {url}: a misspelt region, or a function in a VPC without access "
                       "to that service."},
     "fix": {"fr": "Vérifiez la région (AWS_REGION est fournie par Lambda) ; dans un VPC, VPC › Points de "
                   "terminaison pour ce service.",
             "en": "Check the region (Lambda provides AWS_REGION); in a VPC, VPC › Endpoints for that service."}},
    {"code": "mysql-cryptography",
     "pattern": r"'cryptography' package is required for sha256_password or caching_sha2_password",
     "message": {"fr": "PyMySQL a besoin du paquet cryptography pour l'authentification de MySQL 8 sans TLS.",
                 "en": "PyMySQL needs the cryptography package for MySQL 8's authentication without TLS."},
     "fix": {"fr": "Connectez-vous en TLS (ssl={{'ca': 'global-bundle.pem'}}) ou ajoutez cryptography au paquet "
                   "(construit pour manylinux2014_x86_64).",
             "en": "Connect over TLS (ssl={{'ca': 'global-bundle.pem'}}) or add cryptography to the package "
                   "(built for manylinux2014_x86_64)."}},
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
