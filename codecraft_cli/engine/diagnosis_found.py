"""The texts of the causes the diagnosis finds by looking rather than by reading a line (no
invocation behind a 500, an invocation without error behind a 502, no log group, the SNS → SQS
path, an error the catalogue does not know), and how a place in the code is written."""

from __future__ import annotations

from .diagnosis_catalogue import Entry, T

# Causes found by looking, not by reading a line: the texts only.
FOUND: dict[str, Entry] = {
    "missing-invoke-permission": {
        "message": {"fr": "API Gateway répond 500 sans que la fonction {function} soit invoquée : il n'a pas "
                          "la permission de l'appeler.",
                    "en": "API Gateway answers 500 and the function {function} was not invoked: it may not call it."},
        "fix": {"fr": "API Gateway › la méthode › Requête d'intégration › Modifier › Enregistrer (la console ajoute "
                      "la permission), ou Lambda › {function} › Configuration › Autorisations › Ajouter des "
                      "autorisations : apigateway.amazonaws.com, lambda:InvokeFunction.",
                "en": "API Gateway › the method › Integration request › Edit › Save (the console adds the "
                      "permission), or Lambda › {function} › Configuration › Permissions › Add permissions: "
                      "apigateway.amazonaws.com, lambda:InvokeFunction."}},
    "invoke-permission-source": {
        "message": {"fr": "La permission d'invocation de {function} ne couvre pas cette requête : elle autorise "
                          "{granted}, la requête vient de {source}.",
                    "en": "The invoke permission of {function} does not cover this request: it allows {granted}, "
                          "the request comes from {source}."},
        "fix": {"fr": "Lambda › {function} › Configuration › Autorisations › Déclarations de politique basée sur les "
                      "ressources : une déclaration pour apigateway.amazonaws.com dont l'ARN source couvre {source} "
                      "(par exemple <id de l'API>/*/POST/orders).",
                "en": "Lambda › {function} › Configuration › Permissions › Resource-based policy statements: a "
                      "statement for apigateway.amazonaws.com whose source ARN covers {source} (for example "
                      "<api id>/*/POST/orders)."}},
    "malformed-proxy-response": {
        "message": {"fr": "La fonction {function} a répondu sans erreur, mais pas dans la forme attendue par "
                          "l'intégration proxy (502).",
                    "en": "The function {function} answered without error, but not in the shape the proxy "
                          "integration expects (502)."},
        "fix": {"fr": "Renvoyez {{'statusCode': 200, 'headers': {{...}}, 'body': json.dumps(...)}} : body doit "
                      "être une chaîne.",
                "en": "Return {{'statusCode': 200, 'headers': {{...}}, 'body': json.dumps(...)}}: body must be a "
                      "string."}},
    "no-log-group": {
        "message": {"fr": "La fonction {function} n'a laissé aucun log : son rôle {role} n'autorise pas {action}.",
                    "en": "The function {function} left no log: its role {role} does not allow {action}."},
        "fix": {"fr": "IAM › Rôles › {role} › Ajouter des autorisations › Attacher des politiques : "
                      "AWSLambdaBasicExecutionRole (logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents).",
                "en": "IAM › Roles › {role} › Add permissions › Attach policies: AWSLambdaBasicExecutionRole "
                      "(logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents)."}},
    "not-invoked": {
        "message": {"fr": "La fonction {function} n'a pas été invoquée pendant la vérification.",
                    "en": "The function {function} was not invoked during the verification."},
        "fix": {"fr": "Vérifiez ce qui doit l'appeler : la route de l'API (Requête d'intégration) ou le "
                      "déclencheur (Lambda › {function} › Configuration › Déclencheurs).",
                "en": "Check what must call it: the API route (Integration request) or the trigger (Lambda › "
                      "{function} › Configuration › Triggers)."}},
    "sns-no-subscription": {
        "message": {"fr": "La file {queue} n'est pas abonnée à la rubrique {topic}.",
                    "en": "The queue {queue} is not subscribed to the topic {topic}."},
        "fix": {"fr": "SNS › Rubriques › {topic} › Créer un abonnement : protocole Amazon SQS, point de "
                      "terminaison l'ARN de {queue} (ou SQS › {queue} › S'abonner à une rubrique SNS).",
                "en": "SNS › Topics › {topic} › Create subscription: protocol Amazon SQS, endpoint the ARN of "
                      "{queue} (or SQS › {queue} › Subscribe to Amazon SNS topic)."}},
    "sqs-policy-missing": {
        "message": {"fr": "La politique d'accès de la file {queue} ne permet pas à la rubrique {topic} d'y envoyer "
                        "des messages : SNS les abandonne.",
                    "en": "The access policy of the queue {queue} does not let the topic {topic} send to it: SNS "
                          "drops the messages."},
        "fix": {"fr": "SQS › Files d'attente › {queue} › Stratégie d'accès › Modifier : autorisez "
                      "sns.amazonaws.com à sqs:SendMessage avec la condition aws:SourceArn = l'ARN de {topic}.",
                "en": "SQS › Queues › {queue} › Access policy › Edit: allow sns.amazonaws.com sqs:SendMessage "
                      "with the condition aws:SourceArn = the ARN of {topic}."}},
    "code-error": {
        "message": {"fr": "La fonction lève {type} : {detail} ({where}).",
                    "en": "The function raises {type}: {detail} ({where})."},
        "fix": {"fr": "Corrigez le code à cet endroit (Lambda › {function} › Code), puis Déployer.",
                "en": "Fix the code there (Lambda › {function} › Code), then Deploy."}},
}

WHERE: T = {"fr": "{file}, ligne {line}", "en": "{file}, line {line}"}
NOWHERE: T = {"fr": "dans la fonction {function}", "en": "in the function {function}"}
