<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>QObject</name>
    <message>
        <source>“%1” is not a viewer link: it looks like http://HOST:PORT/?token=TOKEN (Settings → Local Server, or what roundtable serve prints).</source>
        <translation>«&#xa0;%1&#xa0;» n&apos;est pas un lien spectateur&#xa0;: il a la forme http://HOST:PORT/?token=TOKEN (Paramètres → Serveur local, ou ce qu&apos;affiche roundtable serve).</translation>
    </message>
    <message>
        <source>The viewer link has no token (…/?token=TOKEN): copy the whole link.</source>
        <translation>Le lien spectateur ne contient pas de jeton d&apos;accès (…/?token=TOKEN)&#xa0;: copiez le lien complet.</translation>
    </message>
</context>
<context>
    <name>rt</name>
    <message>
        <source>The operation was abandoned before it finished.</source>
        <translation>L&apos;opération a été abandonnée avant la fin.</translation>
    </message>
</context>
<context>
    <name>rt::agents</name>
    <message>
        <source>Agent %1</source>
        <translation>Agent %1</translation>
    </message>
    <message>
        <source>Agent %1 (“%2”)</source>
        <translation>Agent %1 («&#xa0;%2&#xa0;»)</translation>
    </message>
    <message>
        <source>“fallback_models” must be a list of model names</source>
        <translation>«&#xa0;fallback_models&#xa0;» doit être une liste de noms de modèles</translation>
    </message>
    <message>
        <source>The agents file is not valid JSON (%1 at byte %2); nothing was imported.</source>
        <translation>Le fichier d&apos;agents n&apos;est pas du JSON valide (%1 à l&apos;octet %2)&#xa0;; rien n&apos;a été importé.</translation>
    </message>
    <message>
        <source>The agents file has an invalid “version”; nothing was imported.</source>
        <translation>Le fichier d&apos;agents a une «&#xa0;version&#xa0;» non valide&#xa0;; rien n&apos;a été importé.</translation>
    </message>
    <message>
        <source>The agents file uses format version %1, newer than this Roundtable understands (%2); update Roundtable to import it.</source>
        <translation>Le fichier d&apos;agents utilise la version de format %1, plus récente que celle que cette version de Roundtable comprend (%2)&#xa0;; mettez Roundtable à jour pour l&apos;importer.</translation>
    </message>
    <message>
        <source>“agents” in the agents file must be a list; nothing was imported.</source>
        <translation>«&#xa0;agents&#xa0;» doit être une liste dans le fichier d&apos;agents&#xa0;; rien n&apos;a été importé.</translation>
    </message>
    <message>
        <source>The file does not contain agents (expected {&quot;version&quot;:1,&quot;agents&quot;:[...]}); nothing was imported.</source>
        <translation>Le fichier ne contient pas d&apos;agents ({&quot;version&quot;:1,&quot;agents&quot;:[...]} attendu)&#xa0;; rien n&apos;a été importé.</translation>
    </message>
    <message>
        <source>The agents file contains no agents; nothing was imported.</source>
        <translation>Le fichier d&apos;agents ne contient aucun agent&#xa0;; rien n&apos;a été importé.</translation>
    </message>
    <message>
        <source>Agent %1 in the file is not a JSON object; nothing was imported.</source>
        <translation>L&apos;agent %1 du fichier n&apos;est pas un objet JSON&#xa0;; rien n&apos;a été importé.</translation>
    </message>
    <message>
        <source>%1 in the file is invalid: %2; nothing was imported.</source>
        <translation>%1 du fichier n&apos;est pas valide&#xa0;: %2&#xa0;; rien n&apos;a été importé.</translation>
    </message>
    <message>
        <source>There is no agent with id %1; it may have been deleted.</source>
        <translation>Il n&apos;existe aucun agent avec l&apos;ID %1&#xa0;; il a peut-être été supprimé.</translation>
    </message>
    <message>
        <source>An agent named “%1” already exists; choose another name.</source>
        <translation>Un agent nommé «&#xa0;%1&#xa0;» existe déjà&#xa0;; choisissez un autre nom.</translation>
    </message>
    <message>
        <source>“%1” is a built-in agent and cannot be deleted; duplicate it to make your own version, or reset it to its default.</source>
        <translation>«&#xa0;%1&#xa0;» est un agent intégré et ne peut pas être supprimé&#xa0;; dupliquez-le pour créer votre propre version, ou réinitialisez-le.</translation>
    </message>
    <message>
        <source>“%1” is not a built-in agent, so it has no default to reset to.</source>
        <translation>«&#xa0;%1&#xa0;» n&apos;est pas un agent intégré&#xa0;: il n&apos;a donc pas de version par défaut à rétablir.</translation>
    </message>
    <message>
        <source>Cannot reset “%1”: another agent is named “%2”; rename that agent first.</source>
        <translation>Impossible de réinitialiser «&#xa0;%1&#xa0;»&#xa0;: un autre agent s&apos;appelle «&#xa0;%2&#xa0;»&#xa0;; renommez d&apos;abord cet agent.</translation>
    </message>
    <message>
        <source>%1: the file contains this name twice; nothing was imported.</source>
        <translation>%1&#xa0;: le fichier contient ce nom deux fois&#xa0;; rien n&apos;a été importé.</translation>
    </message>
    <message>
        <source>%1: an agent with this name already exists; nothing was imported. Import with renaming or replacing instead.</source>
        <translation>%1&#xa0;: un agent portant ce nom existe déjà&#xa0;; rien n&apos;a été importé. Importez plutôt en renommant ou en remplaçant.</translation>
    </message>
    <message>
        <source>%1: %2 Nothing was imported.</source>
        <translation>%1&#xa0;: %2 Rien n&apos;a été importé.</translation>
    </message>
    <message>
        <source>The agent needs a name.</source>
        <translation>L&apos;agent doit avoir un nom.</translation>
    </message>
    <message>
        <source>The name “%1…” is too long; use at most %2 characters.</source>
        <translation>Le nom «&#xa0;%1…&#xa0;» est trop long&#xa0;; utilisez au plus %2 caractères.</translation>
    </message>
    <message>
        <source>The name “%1” contains control characters; use plain text.</source>
        <translation>Le nom «&#xa0;%1&#xa0;» contient des caractères de contrôle&#xa0;; utilisez du texte simple.</translation>
    </message>
    <message>
        <source>The description is too long; use at most %1 characters.</source>
        <translation>La description est trop longue&#xa0;; utilisez au plus %1 caractères.</translation>
    </message>
    <message>
        <source>The role prompt has %1 characters, more than the %2 allowed; shorten it.</source>
        <translation>Le prompt de rôle compte %1 caractères, plus que les %2 autorisés&#xa0;; raccourcissez-le.</translation>
    </message>
    <message>
        <source>The temperature must be between 0 and 2 (it is %1).</source>
        <translation>La température doit être comprise entre 0 et 2 (elle vaut %1).</translation>
    </message>
    <message>
        <source>The context length (num_ctx) must be between 256 and %1 tokens (it is %2).</source>
        <translation>La longueur du contexte (num_ctx) doit être comprise entre 256 et %1 jetons (elle vaut %2).</translation>
    </message>
    <message>
        <source>The vote weight must be between 0 and %1 (it is %2).</source>
        <translation>Le poids du vote doit être compris entre 0 et %1 (il vaut %2).</translation>
    </message>
    <message>
        <source>The colour “%1” is not a #RRGGBB value such as #1E88E5.</source>
        <translation>La couleur «&#xa0;%1&#xa0;» n&apos;est pas une valeur #RRGGBB comme #1E88E5.</translation>
    </message>
    <message>
        <source>Too many fallback models (%1); keep at most %2.</source>
        <translation>Trop de modèles de secours (%1)&#xa0;; gardez-en au plus %2.</translation>
    </message>
    <message>
        <source>A fallback model name is empty; remove it or enter a model name.</source>
        <translation>Un nom de modèle de secours est vide&#xa0;; supprimez-le ou saisissez un nom de modèle.</translation>
    </message>
    <message>
        <source>The model “%1” is not installed on any connected Ollama host; pull it (roundtable models pull %1) or choose another.</source>
        <translation>Le modèle «&#xa0;%1&#xa0;» n&apos;est installé sur aucun hôte Ollama connecté&#xa0;; téléchargez-le (roundtable models pull %1) ou choisissez-en un autre.</translation>
    </message>
    <message>
        <source>The fallback model “%1” is not installed on any connected Ollama host.</source>
        <translation>Le modèle de secours «&#xa0;%1&#xa0;» n&apos;est installé sur aucun hôte Ollama connecté.</translation>
    </message>
    <message>
        <source>The role prompt (about %1 tokens) does not fit the model&apos;s %2-token context; shorten it or choose a model with a longer context.</source>
        <translation>Le prompt de rôle (environ %1 jetons) ne tient pas dans le contexte de %2 jetons du modèle&#xa0;; raccourcissez-le ou choisissez un modèle avec un contexte plus long.</translation>
    </message>
    <message>
        <source>The role prompt (about %1 tokens) takes more than half of the %2-token context, leaving little room for the debate; shorten it or raise num_ctx.</source>
        <translation>Le prompt de rôle (environ %1 jetons) occupe plus de la moitié du contexte de %2 jetons et laisse peu de place au débat&#xa0;; raccourcissez-le ou augmentez num_ctx.</translation>
    </message>
    <message>
        <source>Saving the agents returned an unexpected answer from the database; try again.</source>
        <translation>L&apos;enregistrement des agents a reçu une réponse inattendue de la base de données&#xa0;; réessayez.</translation>
    </message>
    <message>
        <source>“%1” must be text</source>
        <extracomment>Why an agent in an agents file cannot be imported; %1 is a key of the file (not translated)</extracomment>
        <translation>«&#xa0;%1&#xa0;» doit être du texte</translation>
    </message>
    <message>
        <source>“%1” must be a list of model names</source>
        <translation>«&#xa0;%1&#xa0;» doit être une liste de noms de modèles</translation>
    </message>
    <message>
        <source>“%1” must be an object</source>
        <translation>«&#xa0;%1&#xa0;» doit être un objet</translation>
    </message>
    <message>
        <source>“%1” must be a number</source>
        <translation>«&#xa0;%1&#xa0;» doit être un nombre</translation>
    </message>
    <message>
        <source>it has no “name”</source>
        <extracomment>Why an agent in an agents file cannot be imported</extracomment>
        <translation>il n&apos;a pas de «&#xa0;name&#xa0;»</translation>
    </message>
    <message>
        <source>the option “%1” must be a number</source>
        <extracomment>Why an agent in an agents file cannot be imported; %1 is an option key such as num_ctx</extracomment>
        <translation>l&apos;option «&#xa0;%1&#xa0;» doit être un nombre</translation>
    </message>
    <message>
        <source>the option “%1” must be a whole number</source>
        <extracomment>Why an agent in an agents file cannot be imported; %1 is an option key such as num_ctx</extracomment>
        <translation>l&apos;option «&#xa0;%1&#xa0;» doit être un nombre entier</translation>
    </message>
    <message>
        <source>top_p must be between 0 and 1 (it is %1).</source>
        <extracomment>top_p is an option name (not translated); %1 is the value given</extracomment>
        <translation>top_p doit être compris entre 0 et 1 (il vaut %1).</translation>
    </message>
    <message>
        <source>top_k must be 0 or more (it is %1).</source>
        <extracomment>top_k is an option name (not translated); %1 is the value given</extracomment>
        <translation>top_k doit être supérieur ou égal à 0 (il vaut %1).</translation>
    </message>
    <message>
        <source>num_predict must be -1 (no limit), -2 (fill the context) or a positive number of tokens (it is %1).</source>
        <extracomment>num_predict is an option name (not translated); %1 is the value given</extracomment>
        <translation>num_predict doit valoir -1 (sans limite), -2 (remplir le contexte) ou un nombre positif de jetons (il vaut %1).</translation>
    </message>
    <message>
        <source>num_predict is 0, so the agent would never say anything; use -1 for no limit.</source>
        <extracomment>num_predict is an option name (not translated)</extracomment>
        <translation>num_predict vaut 0&#xa0;: l&apos;agent ne dirait jamais rien&#xa0;; utilisez -1 pour ne pas fixer de limite.</translation>
    </message>
</context>
<context>
    <name>rt::cli</name>
    <message>
        <source>Send a prompt to a model and stream the reply</source>
        <translation>Envoyer un prompt à un modèle et afficher sa réponse en continu</translation>
    </message>
    <message>
        <source>Manage models: list, show, ps, pull, rm</source>
        <translation>Gérer les modèles&#xa0;: list, show, ps, pull, rm</translation>
    </message>
    <message>
        <source>Manage Ollama hosts: list, add, rm, check</source>
        <translation>Gérer les hôtes Ollama&#xa0;: list, add, rm, check</translation>
    </message>
    <message>
        <source>Long work as tasks: list, show, cancel, resume</source>
        <translation>Travaux longs sous forme de tâches&#xa0;: list, show, cancel, resume</translation>
    </message>
    <message>
        <source>Let several agents debate a question; --resume an interrupted one</source>
        <translation>Faire débattre plusieurs agents sur une question&#xa0;; --resume pour reprendre un débat interrompu</translation>
    </message>
    <message>
        <source>Compare a single agent, a vote and a debate on questions with known answers</source>
        <translation>Comparer un agent seul, un vote et un débat sur des questions aux réponses connues</translation>
    </message>
    <message>
        <source>Manage agents: list, show, add, edit, rm, import, export</source>
        <translation>Gérer les agents&#xa0;: list, show, add, edit, rm, import, export</translation>
    </message>
    <message>
        <source>List, show, search, export and import stored chats and debates</source>
        <translation>Lister, afficher, rechercher, exporter et importer les discussions et débats enregistrés</translation>
    </message>
    <message>
        <source>Check or back up the database</source>
        <translation>Vérifier ou sauvegarder la base de données</translation>
    </message>
    <message>
        <source>Run the local server: /metrics for Prometheus, /health and live viewers</source>
        <translation>Lancer le serveur local&#xa0;: /metrics pour Prometheus, /health et spectateurs en direct</translation>
    </message>
    <message>
        <source>Print stored metric samples (table, --json or --prometheus)</source>
        <translation>Afficher les échantillons de métriques enregistrés (tableau, --json ou --prometheus)</translation>
    </message>
    <message>
        <source>Watch a live debate of another Roundtable from its viewer link (read-only)</source>
        <translation>Suivre en direct un débat d&apos;un autre Roundtable depuis son lien spectateur (lecture seule)</translation>
    </message>
    <message>
        <source>Qt:</source>
        <translation>Qt&#xa0;:</translation>
    </message>
    <message>
        <source>%1 (built with %2)</source>
        <translation>%1 (compilé avec %2)</translation>
    </message>
    <message>
        <source>Build:</source>
        <translation>Compilation&#xa0;:</translation>
    </message>
    <message>
        <source>System:</source>
        <translation>Système&#xa0;:</translation>
    </message>
    <message>
        <source>SQL drivers:</source>
        <translation>Pilotes SQL&#xa0;:</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Langue&#xa0;:</translation>
    </message>
    <message>
        <source>%1 (system locale %2)</source>
        <translation>%1 (paramètres régionaux du système&#xa0;: %2)</translation>
    </message>
    <message>
        <source>Settings:</source>
        <translation>Paramètres&#xa0;:</translation>
    </message>
    <message>
        <source>Data folder:</source>
        <translation>Données&#xa0;:</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>Base de données&#xa0;:</translation>
    </message>
    <message>
        <source>Qt plugins:</source>
        <translation>Plugins Qt&#xa0;:</translation>
    </message>
    <message>
        <source>Qt translations:</source>
        <translation>Traductions Qt&#xa0;:</translation>
    </message>
    <message>
        <source>Commands (roundtable COMMAND --help for details):</source>
        <translation>Commandes (roundtable COMMAND --help pour les détails)&#xa0;:</translation>
    </message>
    <message>
        <source>Exit codes: 0 ok, 1 other failure, 2 usage error, 3 Ollama unreachable, 4 model not found,
5 stream failed or truncated, 130 cancelled.</source>
        <translation>Codes de sortie&#xa0;: 0 succès, 1 autre échec, 2 erreur d&apos;utilisation, 3 Ollama injoignable, 4 modèle introuvable,
5 flux en échec ou tronqué, 130 annulé.</translation>
    </message>
    <message>
        <source>Unknown command &quot;%1&quot;. Run roundtable --help for the list.</source>
        <translation>Commande inconnue «&#xa0;%1&#xa0;». Lancez roundtable --help pour la liste.</translation>
    </message>
    <message>
        <source>No display found, so the window cannot open. Use a command such as &apos;roundtable chat --model NAME &quot;hello&quot;&apos;, or run under xvfb-run, or set QT_QPA_PLATFORM=offscreen. See roundtable --help.</source>
        <translation>Aucun affichage trouvé&#xa0;: la fenêtre ne peut pas s&apos;ouvrir. Utilisez une commande comme &apos;roundtable chat --model NAME &quot;bonjour&quot;&apos;, lancez sous xvfb-run ou définissez QT_QPA_PLATFORM=offscreen. Voir roundtable --help.</translation>
    </message>
    <message>
        <source>Roundtable: seat several local AI agents at one table and let them debate.</source>
        <translation>Roundtable&#xa0;: réunissez plusieurs agents IA locaux autour d&apos;une table et faites-les débattre.</translation>
    </message>
    <message>
        <source>Optional subcommand; without one the window opens.</source>
        <translation>Sous-commande facultative&#xa0;; sans elle, la fenêtre s&apos;ouvre.</translation>
    </message>
</context>
<context>
    <name>rt::cli::agents</name>
    <message>
        <source>There is no agent &quot;%1&quot;. Known agents: %2.</source>
        <translation>Il n&apos;y a pas d&apos;agent «&#xa0;%1&#xa0;». Agents connus&#xa0;: %2.</translation>
    </message>
    <message>
        <source>--agents names no agent.</source>
        <translation>--agents ne désigne aucun agent.</translation>
    </message>
    <message>
        <source>given with --model</source>
        <translation>indiqué avec --model</translation>
    </message>
    <message>
        <source>the default model in the settings</source>
        <translation>le modèle par défaut des paramètres</translation>
    </message>
    <message>
        <source>the last model used</source>
        <translation>le dernier modèle utilisé</translation>
    </message>
    <message>
        <source>the first chat model installed on %1</source>
        <translation>le premier modèle de discussion installé sur %1</translation>
    </message>
    <message>
        <source>No chat model is installed, so the agents without a model cannot speak. Pull one with: roundtable models pull llama3.2:1b</source>
        <translation>Aucun modèle de discussion n&apos;est installé&#xa0;: les agents sans modèle ne peuvent pas parler. Téléchargez-en un avec&#xa0;: roundtable models pull llama3.2:1b</translation>
    </message>
    <message>
        <source>Manage the agents (debate participants) stored in the database.

  list                      list agents (built-ins first)
  show NAME|ID              show one agent, with its role prompt
  add --name NAME [...]     create an agent (see the options below)
  edit NAME|ID [...]        change an agent; only the options given change
  rm NAME|ID                delete an agent (built-ins cannot be deleted)
  duplicate NAME|ID [--name NEW]  copy an agent, e.g. to make your own version of a built-in
  reset NAME|ID             restore a built-in agent as shipped
  import FILE|-             import agents from JSON (all or nothing)
  export [NAME|ID...]       print agents as JSON (all when none given)</source>
        <translation>Gérer les agents (participants aux débats) enregistrés dans la base de données.

  list                      lister les agents (intégrés en premier)
  show NAME|ID              afficher un agent, avec son prompt de rôle
  add --name NAME [...]     créer un agent (voir les options ci-dessous)
  edit NAME|ID [...]        modifier un agent&#xa0;; seules les options indiquées changent
  rm NAME|ID                supprimer un agent (les agents intégrés ne peuvent pas être supprimés)
  duplicate NAME|ID [--name NEW]  copier un agent, p. ex. pour créer votre propre version d&apos;un agent intégré
  reset NAME|ID             rétablir un agent intégré dans son état d&apos;origine
  import FILE|-             importer des agents depuis du JSON (tout ou rien)
  export [NAME|ID...]       afficher les agents en JSON (tous si aucun n&apos;est indiqué)</translation>
    </message>
    <message>
        <source>Agent name (unique, ignoring case).</source>
        <translation>Nom de l&apos;agent (unique, sans distinction de casse).</translation>
    </message>
    <message>
        <source>Role key (moderator, skeptic, ... or custom).</source>
        <translation>Clé de rôle (moderator, skeptic, ... ou personnalisée).</translation>
    </message>
    <message>
        <source>One-line description.</source>
        <translation>Description sur une ligne.</translation>
    </message>
    <message>
        <source>Model, e.g. llama3.2:1b (empty: the debate&apos;s default model).</source>
        <translation>Modèle, p. ex. llama3.2:1b (vide&#xa0;: le modèle par défaut du débat).</translation>
    </message>
    <message>
        <source>Fallback models, comma-separated, tried in order when the model is missing or failing (empty clears).</source>
        <translation>Modèles de secours, séparés par des virgules, essayés dans l&apos;ordre quand le modèle est absent ou en échec (vide&#xa0;: efface la liste).</translation>
    </message>
    <message>
        <source>Role prompt text.</source>
        <translation>Texte du prompt de rôle.</translation>
    </message>
    <message>
        <source>Read the role prompt from a file.</source>
        <translation>Lire le prompt de rôle depuis un fichier.</translation>
    </message>
    <message>
        <source>Sampling temperature, 0 to 2 (&quot;default&quot; unsets).</source>
        <translation>Température d&apos;échantillonnage, de 0 à 2 (&quot;default&quot;&#xa0;: valeur par défaut).</translation>
    </message>
    <message>
        <source>Random seed (&quot;default&quot; unsets).</source>
        <translation>Graine aléatoire (&quot;default&quot;&#xa0;: valeur par défaut).</translation>
    </message>
    <message>
        <source>Context length in tokens (&quot;default&quot; unsets).</source>
        <translation>Longueur du contexte en jetons (&quot;default&quot;&#xa0;: valeur par défaut).</translation>
    </message>
    <message>
        <source>Maximum tokens per reply, -1 for no limit (&quot;default&quot; unsets).</source>
        <translation>Nombre maximal de jetons par réponse, -1 pour aucune limite (&quot;default&quot;&#xa0;: valeur par défaut).</translation>
    </message>
    <message>
        <source>Colour as #RRGGBB.</source>
        <translation>Couleur au format #RRGGBB.</translation>
    </message>
    <message>
        <source>Emoji or icon name.</source>
        <translation>Emoji ou nom d&apos;icône.</translation>
    </message>
    <message>
        <source>Vote weight in the consensus, 0 to 10.</source>
        <translation>Poids du vote dans le consensus, de 0 à 10.</translation>
    </message>
    <message>
        <source>add: start from a built-in role (its prompt, options and colour).</source>
        <translation>add&#xa0;: partir d&apos;un rôle intégré (son prompt, ses options et sa couleur).</translation>
    </message>
    <message>
        <source>Print JSON.</source>
        <translation>Afficher en JSON.</translation>
    </message>
    <message>
        <source>export: write to a file instead of stdout.</source>
        <translation>export&#xa0;: écrire dans un fichier au lieu de la sortie standard.</translation>
    </message>
    <message>
        <source>import: give agents whose name is taken a new name.</source>
        <translation>import&#xa0;: renommer les agents dont le nom est déjà pris.</translation>
    </message>
    <message>
        <source>import: overwrite agents whose name is taken.</source>
        <translation>import&#xa0;: remplacer les agents dont le nom est déjà pris.</translation>
    </message>
    <message>
        <source>--%1 needs a number, not “%2”.</source>
        <extracomment>%1 is an option name, %2 the value given</extracomment>
        <translation>--%1 attend un nombre, pas «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>Give the role prompt either with --system or with --system-file, not both.</source>
        <translation>Indiquez le prompt de rôle soit avec --system, soit avec --system-file, pas les deux.</translation>
    </message>
    <message>
        <source>Cannot read the role prompt from %1: %2.</source>
        <extracomment>%1 is a file name, %2 the reason from the system</extracomment>
        <translation>Impossible de lire le prompt de rôle depuis %1&#xa0;: %2.</translation>
    </message>
    <message>
        <source>--weight needs a number, not “%1”.</source>
        <translation>--weight attend un nombre, pas «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>(model default)</source>
        <translation>(valeur par défaut du modèle)</translation>
    </message>
    <message>
        <source>Id:</source>
        <translation>Id&#xa0;:</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nom&#xa0;:</translation>
    </message>
    <message>
        <source>%1 (built-in)</source>
        <translation>%1 (intégré)</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>Rôle&#xa0;:</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>Description&#xa0;:</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modèle&#xa0;:</translation>
    </message>
    <message>
        <source>(the debate&apos;s default model)</source>
        <translation>(modèle par défaut du débat)</translation>
    </message>
    <message>
        <source>Fallbacks:</source>
        <translation>Secours&#xa0;:</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>Température&#xa0;:</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>Graine&#xa0;:</translation>
    </message>
    <message>
        <source>Context:</source>
        <translation>Contexte&#xa0;:</translation>
    </message>
    <message>
        <source>Max tokens:</source>
        <translation>Jetons max.&#xa0;:</translation>
    </message>
    <message>
        <source>Other options:</source>
        <translation>Autres options&#xa0;:</translation>
    </message>
    <message>
        <source>Colour:</source>
        <translation>Couleur&#xa0;:</translation>
    </message>
    <message>
        <source>Avatar:</source>
        <translation>Avatar&#xa0;:</translation>
    </message>
    <message>
        <source>Weight:</source>
        <translation>Poids&#xa0;:</translation>
    </message>
    <message>
        <source>Role prompt:</source>
        <translation>Prompt de rôle&#xa0;:</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Avertissement&#xa0;: %1</translation>
    </message>
    <message>
        <source>list, show, add, edit, rm, duplicate, reset, import or export</source>
        <translation>list, show, add, edit, rm, duplicate, reset, import ou export</translation>
    </message>
    <message>
        <source>Agent name or id (show, edit, rm, duplicate, reset), file (import)</source>
        <translation>Nom ou id de l&apos;agent (show, edit, rm, duplicate, reset), fichier (import)</translation>
    </message>
    <message>
        <source>Unknown agents action “%1”. Use one of: %2.</source>
        <translation>Action agents inconnue «&#xa0;%1&#xa0;». Utilisez l&apos;une de celles-ci&#xa0;: %2.</translation>
    </message>
    <message>
        <source>Name the file to import (or - for standard input): roundtable agents import FILE</source>
        <translation>Indiquez le fichier à importer (ou - pour l&apos;entrée standard)&#xa0;: roundtable agents import FILE</translation>
    </message>
    <message>
        <source>Name the agent: roundtable agents %1 NAME|ID</source>
        <translation>Indiquez l&apos;agent&#xa0;: roundtable agents %1 NAME|ID</translation>
    </message>
    <message>
        <source>A new agent needs a name: roundtable agents add --name NAME [--model MODEL] [--system TEXT]</source>
        <translation>Un nouvel agent a besoin d&apos;un nom&#xa0;: roundtable agents add --name NAME [--model MODEL] [--system TEXT]</translation>
    </message>
    <message>
        <source>Use either --rename or --replace, not both.</source>
        <translation>Utilisez soit --rename, soit --replace, pas les deux.</translation>
    </message>
    <message>
        <source>There is no agent “%1”; see roundtable agents list.</source>
        <translation>Il n&apos;y a pas d&apos;agent «&#xa0;%1&#xa0;»&#xa0;; voir roundtable agents list.</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NOM</translation>
    </message>
    <message>
        <source>ROLE</source>
        <translation>RÔLE</translation>
    </message>
    <message>
        <source>MODEL</source>
        <translation>MODÈLE</translation>
    </message>
    <message>
        <source>DESCRIPTION</source>
        <translation>DESCRIPTION</translation>
    </message>
    <message>
        <source>(default)</source>
        <translation>(par défaut)</translation>
    </message>
    <message>
        <source>* built-in: can be edited, duplicated and reset, not deleted.</source>
        <translation>* intégré&#xa0;: modifiable, duplicable et réinitialisable, mais pas supprimable.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2.</source>
        <extracomment>%1 is a file name, %2 the reason from the system</extracomment>
        <translation>Impossible d&apos;écrire %1&#xa0;: %2.</translation>
    </message>
    <message>
        <source>Exported %1 agents to %2.</source>
        <extracomment>%1 is the number of agents (the same form for any number, 1 included), %2 a file name</extracomment>
        <translation>Nombre d&apos;agents exportés vers %2&#xa0;: %1.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2.</source>
        <extracomment>%1 is a file name, %2 the reason from the system</extracomment>
        <translation>Impossible de lire %1&#xa0;: %2.</translation>
    </message>
    <message>
        <source>Imported 1 agent: %1</source>
        <extracomment>%1 is the name of the agent</extracomment>
        <translation>1 agent importé&#xa0;: %1</translation>
    </message>
    <message>
        <source>Imported %1 agents: %2</source>
        <extracomment>%1 is the number of agents (never 1), %2 their names</extracomment>
        <translation>%1 agents importés&#xa0;: %2</translation>
    </message>
    <message>
        <source>Deleted agent “%1”.</source>
        <translation>Agent «&#xa0;%1&#xa0;» supprimé.</translation>
    </message>
    <message>
        <source>Restored “%1” to its default.</source>
        <translation>Agent «&#xa0;%1&#xa0;» réinitialisé.</translation>
    </message>
    <message>
        <source>Created “%1” (id %2) from “%3”.</source>
        <extracomment>%1 is the new agent&apos;s name, %2 its id, %3 the name of the agent it was copied from</extracomment>
        <translation>«&#xa0;%1&#xa0;» (id %2) créé à partir de «&#xa0;%3&#xa0;».</translation>
    </message>
    <message>
        <source>There is no built-in role “%1”; use one of: %2.</source>
        <translation>Il n&apos;y a pas de rôle intégré «&#xa0;%1&#xa0;»&#xa0;; utilisez l&apos;un de ceux-ci&#xa0;: %2.</translation>
    </message>
    <message>
        <source>Created agent “%1” (id %2).</source>
        <translation>Agent «&#xa0;%1&#xa0;» créé (id %2).</translation>
    </message>
    <message>
        <source>Saved agent “%1”.</source>
        <translation>Agent «&#xa0;%1&#xa0;» enregistré.</translation>
    </message>
</context>
<context>
    <name>rt::cli::chat</name>
    <message>
        <source>Send PROMPT to a model and stream the reply to stdout.</source>
        <translation>Envoyer PROMPT à un modèle et afficher la réponse en continu sur la sortie standard.</translation>
    </message>
    <message>
        <source>Model to use, e.g. llama3.2:1b (required).</source>
        <translation>Modèle à utiliser, p. ex. llama3.2:1b (obligatoire).</translation>
    </message>
    <message>
        <source>System prompt.</source>
        <translation>Prompt système.</translation>
    </message>
    <message>
        <source>Print one JSON object with the text and metrics at the end instead of streaming.</source>
        <translation>Afficher à la fin un seul objet JSON avec le texte et les métriques, au lieu du flux.</translation>
    </message>
    <message>
        <source>Sampling temperature (0-2).</source>
        <translation>Température d&apos;échantillonnage (0-2).</translation>
    </message>
    <message>
        <source>Random seed for reproducible replies.</source>
        <translation>Graine aléatoire pour des réponses reproductibles.</translation>
    </message>
    <message>
        <source>Context window in tokens.</source>
        <translation>Fenêtre de contexte en jetons.</translation>
    </message>
    <message>
        <source>Maximum tokens to generate.</source>
        <translation>Nombre maximal de jetons à générer.</translation>
    </message>
    <message>
        <source>Ask a thinking model to think first (shown on stderr).</source>
        <translation>Demander à un modèle de raisonnement de réfléchir d&apos;abord (affiché sur stderr).</translation>
    </message>
    <message>
        <source>&quot;json&quot;, or a JSON schema (inline or @file).</source>
        <translation>&quot;json&quot;, ou un schéma JSON (en ligne ou @fichier).</translation>
    </message>
    <message>
        <source>Continue stored conversation ID (see roundtable history list).</source>
        <translation>Poursuivre la conversation enregistrée ID (voir roundtable history list).</translation>
    </message>
    <message>
        <source>Do not store this exchange in the history.</source>
        <translation>Ne pas enregistrer cet échange dans l&apos;historique.</translation>
    </message>
    <message>
        <source>The message to send (words are joined).</source>
        <translation>Le message à envoyer (les mots sont joints).</translation>
    </message>
    <message>
        <source>Missing --model NAME. List the installed models with: roundtable models list</source>
        <translation>Il manque --model NAME. Listez les modèles installés avec&#xa0;: roundtable models list</translation>
    </message>
    <message>
        <source>Missing the prompt: roundtable chat --model NAME &quot;your question&quot;</source>
        <translation>Il manque le prompt&#xa0;: roundtable chat --model NAME &quot;votre question&quot;</translation>
    </message>
    <message>
        <source>--conversation needs an id from &apos;roundtable history list&apos;.</source>
        <translation>--conversation attend un id de &apos;roundtable history list&apos;.</translation>
    </message>
    <message>
        <source>--conversation and --no-save cannot be combined.</source>
        <translation>--conversation et --no-save ne peuvent pas être combinés.</translation>
    </message>
    <message>
        <source>This chat will not be saved (see above). Use --no-save to chat without the history.</source>
        <translation>Cette discussion ne sera pas enregistrée (voir ci-dessus). Utilisez --no-save pour discuter sans l&apos;historique.</translation>
    </message>
    <message>
        <source>Cannot read the schema file %1: %2</source>
        <extracomment>%1 is a file name, %2 the reason from the system</extracomment>
        <translation>Impossible de lire le fichier de schéma %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>--format must be &quot;json&quot; or a JSON schema object.</source>
        <translation>--format doit être &quot;json&quot; ou un objet de schéma JSON.</translation>
    </message>
    <message>
        <source>Waiting for %1 to start answering (it may be loading)...</source>
        <extracomment>%1 is a model name</extracomment>
        <translation>En attente que %1 commence à répondre (le modèle est peut-être en cours de chargement)...</translation>
    </message>
    <message>
        <source>%1 Retrying (%2) in %3 ms.</source>
        <extracomment>%1 is the reason (a whole sentence), %2 the attempt number, %3 the delay in milliseconds</extracomment>
        <translation>%1 Nouvel essai (%2) dans %3 ms.</translation>
    </message>
    <message>
        <source>The reply could not be saved: %1</source>
        <translation>La réponse n&apos;a pas pu être enregistrée&#xa0;: %1</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <extracomment>%1 is a warning from the model server</extracomment>
        <translation>Avertissement&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>rt::cli::common</name>
    <message>
        <source>Ollama server URL (default: $OLLAMA_HOST, settings, http://127.0.0.1:11434).</source>
        <translation>URL du serveur Ollama (par défaut&#xa0;: $OLLAMA_HOST, les paramètres, http://127.0.0.1:11434).</translation>
    </message>
    <message>
        <source>Print debug output to stderr.</source>
        <translation>Afficher la sortie de débogage sur stderr.</translation>
    </message>
    <message>
        <source>Database: a SQLite file path or postgresql://user:pass@host:port/db (default: $ROUNDTABLE_DB, then the one chosen in Settings, then the app data folder).</source>
        <translation>Base de données&#xa0;: chemin d&apos;un fichier SQLite ou postgresql://user:pass@host:port/db (par défaut&#xa0;: $ROUNDTABLE_DB, puis celle choisie dans les Paramètres, puis le dossier de données de l&apos;application).</translation>
    </message>
    <message>
        <source>%1 (see --help)</source>
        <extracomment>%1 is Qt&apos;s description of the command-line error</extracomment>
        <translation>%1 (voir --help)</translation>
    </message>
    <message>
        <source>--ollama-host &quot;%1&quot; is not a valid Ollama host: %2</source>
        <extracomment>%1 is the value given, %2 the reason it is not valid</extracomment>
        <translation>--ollama-host «&#xa0;%1&#xa0;» n&apos;est pas un hôte Ollama valide&#xa0;: %2</translation>
    </message>
    <message>
        <source>--%1 must be a number from %2 to %3.</source>
        <extracomment>%1 is an option name (such as temperature), %2 and %3 the lowest and highest value allowed</extracomment>
        <translation>--%1 doit être un nombre compris entre %2 et %3.</translation>
    </message>
    <message numerus="yes">
        <source>Note: %n message(s) or debate(s) left unfinished by an earlier crash were marked interrupted.</source>
        <translation>
            <numerusform>Remarque&#xa0;: %n message ou débat laissé inachevé par un plantage précédent a été marqué comme interrompu.</numerusform>
            <numerusform>Remarque&#xa0;: %n messages ou débats laissés inachevés par un plantage précédent ont été marqués comme interrompus.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::cli::db</name>
    <message>
        <source>Check the database for damage (SQLite: PRAGMA integrity_check, foreign keys and the search index). Exit code 1 when a problem is found.</source>
        <translation>Vérifier que la base de données n&apos;est pas endommagée (SQLite&#xa0;: PRAGMA integrity_check, clés étrangères et index de recherche). Code de sortie 1 si un problème est détecté.</translation>
    </message>
    <message>
        <source>The database %1 has problems:</source>
        <extracomment>%1 is the database file or address</extracomment>
        <translation>La base de données %1 présente des problèmes&#xa0;:</translation>
    </message>
    <message>
        <source>Restore a backup (roundtable db backup FILE makes one), or copy what you can with &apos;roundtable history export&apos;.</source>
        <translation>Restaurez une sauvegarde (roundtable db backup FILE en crée une) ou copiez ce qui peut l&apos;être avec &apos;roundtable history export&apos;.</translation>
    </message>
    <message>
        <source>Database %1: OK</source>
        <extracomment>%1 is the database file or address</extracomment>
        <translation>Base de données %1&#xa0;: OK</translation>
    </message>
    <message>
        <source>  schema %1 · conversations: %2 · messages: %3 · debates: %4 · debate turns: %5 · agents: %6 · tasks: %7</source>
        <extracomment>%1 is the schema version; the others are counts. Keep the two leading spaces.</extracomment>
        <translation>  schéma %1 · conversations&#xa0;: %2 · messages&#xa0;: %3 · débats&#xa0;: %4 · interventions&#xa0;: %5 · agents&#xa0;: %6 · tâches&#xa0;: %7</translation>
    </message>
    <message>
        <source>  size on disk %1</source>
        <extracomment>%1 is a size such as 1.2 MB. Keep the two leading spaces.</extracomment>
        <translation>  taille sur le disque %1</translation>
    </message>
    <message>
        <source>Write a consistent copy of the SQLite database to FILE, even while Roundtable is running.</source>
        <translation>Écrire une copie cohérente de la base de données SQLite dans FILE, même pendant que Roundtable est ouvert.</translation>
    </message>
    <message>
        <source>Where to write the backup (must not exist yet).</source>
        <translation>Où écrire la sauvegarde (le fichier ne doit pas encore exister).</translation>
    </message>
    <message>
        <source>Give the backup file, e.g. roundtable db backup ~/roundtable-backup.sqlite</source>
        <translation>Indiquez le fichier de sauvegarde, p. ex. roundtable db backup ~/roundtable-backup.sqlite</translation>
    </message>
    <message>
        <source>Backup written to %1</source>
        <translation>Sauvegarde écrite dans %1</translation>
    </message>
    <message>
        <source>Usage: roundtable db COMMAND [--db PATH|URL]
  check         verify the database (exit 1 on damage)
  backup FILE   online backup of a SQLite database</source>
        <translation>Utilisation&#xa0;: roundtable db COMMAND [--db PATH|URL]
  check         vérifier la base de données (code 1 si elle est endommagée)
  backup FILE   sauvegarde à chaud d&apos;une base de données SQLite</translation>
    </message>
    <message>
        <source>Unknown db command &quot;%1&quot;.</source>
        <translation>Commande db inconnue «&#xa0;%1&#xa0;».</translation>
    </message>
</context>
<context>
    <name>rt::cli::debate</name>
    <message>
        <source>The question to debate (required unless --resume).</source>
        <translation>La question à débattre (obligatoire sauf avec --resume).</translation>
    </message>
    <message>
        <source>Agents by name or id, comma-separated; NAME=MODEL sets the model (e.g. Skeptic=qwen3:0.6b,Pragmatist,Domain expert). Default: Proponent,Skeptic,Pragmatist.</source>
        <translation>Agents par nom ou id, séparés par des virgules&#xa0;; NAME=MODEL définit le modèle (p. ex. Skeptic=qwen3:0.6b,Pragmatist,Domain expert). Par défaut&#xa0;: Proponent,Skeptic,Pragmatist.</translation>
    </message>
    <message>
        <source>simultaneous (default), round-robin, adversarial, council or vote.</source>
        <translation>simultaneous (par défaut), round-robin, adversarial, council ou vote.</translation>
    </message>
    <message>
        <source>Maximum rounds, 1-10 (default 3; for vote: answers per agent, default 1).</source>
        <translation>Nombre maximal de tours, de 1 à 10 (3 par défaut&#xa0;; pour vote&#xa0;: réponses par agent, 1 par défaut).</translation>
    </message>
    <message>
        <source>Stop when this share of confidence-weighted support agrees (default 0.8).</source>
        <translation>Arrêter quand cette part du soutien, pondéré par la confiance, se rallie à une même réponse (0.8 par défaut).</translation>
    </message>
    <message>
        <source>Print one JSON document with every turn, stance, round and the result at the end.</source>
        <translation>Afficher à la fin un seul document JSON avec chaque intervention, position, tour et le résultat.</translation>
    </message>
    <message>
        <source>Continue debate ID from its last finished turn.</source>
        <translation>Poursuivre le débat ID à partir de sa dernière intervention terminée.</translation>
    </message>
    <message>
        <source>Model for agents that have none (default: the last model used).</source>
        <translation>Modèle des agents qui n&apos;en ont pas (par défaut&#xa0;: le dernier modèle utilisé).</translation>
    </message>
    <message>
        <source>Base seed, for repeatable debates.</source>
        <translation>Graine de base, pour des débats reproductibles.</translation>
    </message>
    <message>
        <source>Stop when nobody changed position this many rounds in a row (default 1; 0 = never).</source>
        <translation>Arrêter quand personne n&apos;a changé de position pendant ce nombre de tours consécutifs (1 par défaut&#xa0;; 0 = jamais).</translation>
    </message>
    <message>
        <source>Stop after this many tokens (prompt + generated).</source>
        <translation>Arrêter après ce nombre de jetons (prompt + générés).</translation>
    </message>
    <message>
        <source>Stop after this many seconds.</source>
        <translation>Arrêter après ce nombre de secondes.</translation>
    </message>
    <message>
        <source>Agreement intensity 0-10: how readily agents adopt others&apos; views.</source>
        <translation>Intensité d&apos;accord de 0 à 10&#xa0;: propension des agents à adopter l&apos;avis des autres.</translation>
    </message>
    <message>
        <source>Upper bound on generated tokens per turn (default 1024).</source>
        <translation>Nombre maximal de jetons générés par intervention (1024 par défaut).</translation>
    </message>
    <message>
        <source>Model for grouping free-text answers (default: any installed embedding model; &quot;none&quot;).</source>
        <translation>Modèle servant à regrouper les réponses en texte libre (par défaut&#xa0;: tout modèle de plongement installé&#xa0;; &quot;none&quot; pour aucun).</translation>
    </message>
    <message>
        <source>Skip the synthesiser&apos;s summary at the end.</source>
        <translation>Omettre le résumé du synthétiseur à la fin.</translation>
    </message>
    <message>
        <source>Run the turns of a round that do not see each other at once, as the window does (each turn is printed when it ends).</source>
        <translation>Exécuter en même temps les interventions d&apos;un tour qui ne se voient pas entre elles, comme le fait la fenêtre (chaque intervention est affichée une fois terminée).</translation>
    </message>
    <message>
        <source>Moderator note added before the first turn (repeatable).</source>
        <translation>Note du modérateur ajoutée avant la première intervention (répétable).</translation>
    </message>
    <message>
        <source>Serve /metrics, /health and a live view for remote viewers (the viewers link is printed) on this port while the debate runs (0 = any free port).</source>
        <translation>Fournir /metrics, /health et une vue en direct pour les spectateurs distants (le lien spectateur est affiché) sur ce port pendant le débat (0 = n&apos;importe quel port libre).</translation>
    </message>
    <message>
        <source>With --serve: keep serving this many seconds after the debate ends (default 0).</source>
        <translation>Avec --serve&#xa0;: continuer à servir ce nombre de secondes après la fin du débat (0 par défaut).</translation>
    </message>
    <message>
        <source>Read standard input while the debate runs: each line is a moderator note added between turns; /pause, /resume and /stop control the debate.</source>
        <translation>Lire l&apos;entrée standard pendant le débat&#xa0;: chaque ligne est une note du modérateur ajoutée entre les interventions&#xa0;; /pause, /resume et /stop contrôlent le débat.</translation>
    </message>
    <message>
        <source>ranking: %1</source>
        <translation>classement&#xa0;: %1</translation>
    </message>
    <message>
        <source>no stance</source>
        <translation>aucune position</translation>
    </message>
    <message>
        <source>stance: %1</source>
        <extracomment>%1 is the answer an agent took</extracomment>
        <translation>position&#xa0;: %1</translation>
    </message>
    <message>
        <source>Seat several agents at one table and let them debate a question. Prints the debate as it happens, then the consensus. Every finished turn is saved, so an interrupted debate can be continued with --resume ID.</source>
        <translation>Réunir plusieurs agents autour d&apos;une table et les faire débattre d&apos;une question. Affiche le débat au fil de l&apos;eau, puis le consensus. Chaque intervention terminée est enregistrée&#xa0;: un débat interrompu peut donc être poursuivi avec --resume ID.</translation>
    </message>
    <message>
        <source>--resume needs a debate id, e.g. --resume 12 (roundtable history list shows them).</source>
        <translation>--resume attend un id de débat, p. ex. --resume 12 (roundtable history list les affiche).</translation>
    </message>
    <message>
        <source>Note: %1 ignored; a resumed debate keeps its own settings.</source>
        <extracomment>%1 lists options, such as --rounds, --format</extracomment>
        <translation>Remarque&#xa0;: %1 sans effet&#xa0;; un débat repris conserve ses propres paramètres.</translation>
    </message>
    <message>
        <source>Missing --question TEXT, e.g. roundtable debate --question &quot;Is 91 prime?&quot; --agents Skeptic,Pragmatist --model llama3.2:1b</source>
        <translation>Il manque --question TEXT, p. ex. roundtable debate --question &quot;91 est-il premier&#xa0;?&quot; --agents Skeptic,Pragmatist --model llama3.2:1b</translation>
    </message>
    <message>
        <source>Unknown --format &quot;%1&quot;: use simultaneous, round-robin, adversarial, council or vote.</source>
        <translation>--format «&#xa0;%1&#xa0;» inconnu&#xa0;: utilisez simultaneous, round-robin, adversarial, council ou vote.</translation>
    </message>
    <message>
        <source>The task list could not be read (%1); the debate runs all the same.</source>
        <translation>La liste des tâches n&apos;a pas pu être lue (%1)&#xa0;; le débat a lieu quand même.</translation>
    </message>
    <message>
        <source>Unknown command %1: use /pause, /resume or /stop; any other line is a moderator note.</source>
        <translation>Commande %1 inconnue&#xa0;: utilisez /pause, /resume ou /stop&#xa0;; toute autre ligne est une note du modérateur.</translation>
    </message>
    <message>
        <source>Interrupted again; quitting now.</source>
        <translation>Nouvelle interruption&#xa0;; arrêt immédiat.</translation>
    </message>
    <message>
        <source>Interrupting: the turn in progress is kept as partial. Press Ctrl-C again to quit at once.</source>
        <translation>Interruption&#xa0;: l&apos;intervention en cours est conservée comme partielle. Appuyez de nouveau sur Ctrl-C pour quitter immédiatement.</translation>
    </message>
    <message>
        <source>Debate %1: %2</source>
        <extracomment>%1 is the debate id, %2 the question</extracomment>
        <translation>Débat %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Seats: %1</source>
        <extracomment>%1 lists the agents with their models and roles</extracomment>
        <translation>Sièges&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>Resuming: %n turn(s) already finished.</source>
        <translation>
            <numerusform>Reprise&#xa0;: %n intervention déjà terminée.</numerusform>
            <numerusform>Reprise&#xa0;: %n interventions déjà terminées.</numerusform>
        </translation>
    </message>
    <message>
        <source>Conclusion</source>
        <translation>Conclusion</translation>
    </message>
    <message>
        <source>Round %1 of %2 (%3)</source>
        <extracomment>%3 is the round&apos;s phase (not translated)</extracomment>
        <translation>Tour %1 sur %2 (%3)</translation>
    </message>
    <message>
        <source>  (asked again) </source>
        <extracomment>The model is asked again for the same turn; its new reply follows on the same line</extracomment>
        <translation>  (relance) </translation>
    </message>
    <message>
        <source>  ✎ Moderator: %1</source>
        <translation>  ✎ Modérateur&#xa0;: %1</translation>
    </message>
    <message>
        <source>  ! %1</source>
        <translation>  ! %1</translation>
    </message>
    <message>
        <source>Paused. Type /resume to continue or /stop to end the debate.</source>
        <translation>En pause. Tapez /resume pour continuer ou /stop pour terminer le débat.</translation>
    </message>
    <message>
        <source>Continue later with: roundtable debate --resume %1</source>
        <translation>Pour continuer plus tard&#xa0;: roundtable debate --resume %1</translation>
    </message>
    <message>
        <source>Resumed.</source>
        <translation>Débat repris.</translation>
    </message>
    <message>
        <source>Debate %1 interrupted. Continue with: roundtable debate --resume %1</source>
        <translation>Débat %1 interrompu. Pour le poursuivre&#xa0;: roundtable debate --resume %1</translation>
    </message>
    <message>
        <source>The debate failed: %1</source>
        <translation>Le débat a échoué&#xa0;: %1</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Answer:     %1</source>
        <translation>Réponse&#xa0;:   %1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucune)</translation>
    </message>
    <message>
        <source>Stopped:    %1</source>
        <extracomment>%1 is why the debate stopped. Keep the labels of the result lines aligned.</extracomment>
        <translation>Arrêt&#xa0;:     %1</translation>
    </message>
    <message>
        <source>Confidence: %1 (mean)</source>
        <translation>Confiance&#xa0;: %1 (moyenne)</translation>
    </message>
    <message>
        <source>Verdict:    %1</source>
        <translation>Verdict&#xa0;:   %1</translation>
    </message>
    <message>
        <source>Peer ranking (Borda): %1</source>
        <extracomment>%1 lists agents with their points</extracomment>
        <translation>Classement par les pairs (Borda)&#xa0;: %1</translation>
    </message>
    <message>
        <source>Dissent:    %1: %2</source>
        <extracomment>%1 is an agent name, %2 its answer</extracomment>
        <translation>Désaccord&#xa0;: %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Synthesis (%1): %2</source>
        <translation>Synthèse (%1)&#xa0;: %2</translation>
    </message>
    <message>
        <source>Saved as debate %1.</source>
        <translation>Enregistré comme débat %1.</translation>
    </message>
    <message>
        <source>The debate could not start.</source>
        <translation>Le débat n&apos;a pas pu démarrer.</translation>
    </message>
    <message>
        <source>Debate %1</source>
        <translation>Débat %1</translation>
    </message>
    <message>
        <source>The debate could not be started as a task: %1</source>
        <translation>Le débat n&apos;a pas pu être lancé comme tâche&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>Serving for %n more second(s); Ctrl-C stops.</source>
        <extracomment>The local server keeps serving after the debate ended</extracomment>
        <translation>
            <numerusform>Le serveur reste actif encore %n seconde&#xa0;; Ctrl-C l&apos;arrête.</numerusform>
            <numerusform>Le serveur reste actif encore %n secondes&#xa0;; Ctrl-C l&apos;arrête.</numerusform>
        </translation>
    </message>
    <message>
        <source>verdict: settled · winner %1 · answer %2</source>
        <extracomment>A judge&apos;s verdict: %1 is the winning agent, %2 the answer</extracomment>
        <translation>verdict&#xa0;: tranché · gagnant %1 · réponse %2</translation>
    </message>
    <message>
        <source>verdict: not settled · winner %1 · answer %2</source>
        <extracomment>A judge&apos;s verdict: %1 is the agent judged best, %2 the answer</extracomment>
        <translation>verdict&#xa0;: non tranché · gagnant %1 · réponse %2</translation>
    </message>
    <message>
        <source>confidence %1</source>
        <extracomment>%1 is the agent&apos;s confidence, a number from 0.00 to 1.00</extracomment>
        <translation>confiance %1</translation>
    </message>
    <message>
        <source>changed</source>
        <extracomment>The agent changed its position in this turn</extracomment>
        <translation>a changé de position</translation>
    </message>
    <message numerus="yes">
        <source>Format: %1 · up to %n round(s) · consensus at %2</source>
        <extracomment>%1 is the debate format (not translated), %2 the consensus threshold (0.00 to 1.00)</extracomment>
        <translation>
            <numerusform>Format&#xa0;: %1 · jusqu&apos;à %n tour · consensus à %2</numerusform>
            <numerusform>Format&#xa0;: %1 · jusqu&apos;à %n tours · consensus à %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Round %1 consensus: %2 on &quot;%3&quot; (%4) · %n changed position</source>
        <extracomment>%1 is the round, %2 the support (0.00 to 1.00) for the leading answer %3, %4 the answers with their votes; %n agents changed their position</extracomment>
        <translation>
            <numerusform>Consensus du tour %1&#xa0;: %2 pour «&#xa0;%3&#xa0;» (%4) · %n a changé de position</numerusform>
            <numerusform>Consensus du tour %1&#xa0;: %2 pour «&#xa0;%3&#xa0;» (%4) · %n ont changé de position</numerusform>
        </translation>
    </message>
    <message>
        <source>Round %1 consensus: %2 on &quot;%3&quot; (%4)</source>
        <extracomment>%1 is the round, %2 the support (0.00 to 1.00) for the leading answer %3, %4 the answers with their votes</extracomment>
        <translation>Consensus du tour %1&#xa0;: %2 pour «&#xa0;%3&#xa0;» (%4)</translation>
    </message>
    <message>
        <source>Consensus:  %1 (threshold %2) · tie</source>
        <extracomment>%1 is the support for the answer, %2 the threshold (both 0.00 to 1.00); the answers tied</extracomment>
        <translation>Consensus&#xa0;: %1 (seuil %2) · égalité</translation>
    </message>
    <message>
        <source>Consensus:  %1 (threshold %2)</source>
        <extracomment>%1 is the support for the answer, %2 the threshold (both 0.00 to 1.00)</extracomment>
        <translation>Consensus&#xa0;: %1 (seuil %2)</translation>
    </message>
    <message numerus="yes">
        <source>Cost:       %n model call(s) · %1 prompt + %2 generated tokens · %3 s · position changes per round: %4</source>
        <extracomment>%n model requests; %1 and %2 token counts, %3 seconds, %4 the number of agents that changed position in each round</extracomment>
        <translation>
            <numerusform>Coût&#xa0;:      %n appel de modèle · %1 jetons de prompt + %2 jetons générés · %3&#xa0;s · changements de position par tour&#xa0;: %4</numerusform>
            <numerusform>Coût&#xa0;:      %n appels de modèle · %1 jetons de prompt + %2 jetons générés · %3&#xa0;s · changements de position par tour&#xa0;: %4</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::cli::eval</name>
    <message>
        <source>Answer a set of questions with known answers three ways: the first agent alone, a vote of independent answers using as many model calls as the debate, and the debate. Prints accuracy, model calls, rounds, tokens and position changes per round, so you can judge debate on your own models.</source>
        <translation>Répondre de trois façons à un ensemble de questions aux réponses connues&#xa0;: le premier agent seul, un vote de réponses indépendantes utilisant autant d&apos;appels de modèle que le débat, et le débat. Affiche l&apos;exactitude, les appels de modèle, les tours, les jetons et les changements de position par tour, pour que vous puissiez juger l&apos;intérêt du débat avec vos propres modèles.</translation>
    </message>
    <message>
        <source>Agents by name, comma-separated; NAME=MODEL sets the model (default Proponent,Skeptic,Pragmatist).</source>
        <translation>Agents par nom, séparés par des virgules&#xa0;; NAME=MODEL définit le modèle (par défaut Proponent,Skeptic,Pragmatist).</translation>
    </message>
    <message>
        <source>Question file (JSON or JSON lines with question and answer), or builtin (default).</source>
        <translation>Fichier de questions (JSON ou JSON Lines avec question et answer), ou builtin (par défaut).</translation>
    </message>
    <message>
        <source>Debate format (default simultaneous).</source>
        <translation>Format du débat (simultaneous par défaut).</translation>
    </message>
    <message>
        <source>Maximum debate rounds (default 3).</source>
        <translation>Nombre maximal de tours de débat (3 par défaut).</translation>
    </message>
    <message>
        <source>Consensus threshold (default 0.8).</source>
        <translation>Seuil de consensus (0.8 par défaut).</translation>
    </message>
    <message>
        <source>Model for agents that have none.</source>
        <translation>Modèle des agents qui n&apos;en ont pas.</translation>
    </message>
    <message>
        <source>Base seed (default 1).</source>
        <translation>Graine de base (1 par défaut).</translation>
    </message>
    <message>
        <source>Only the first N questions.</source>
        <translation>Seulement les N premières questions.</translation>
    </message>
    <message>
        <source>Print the report as JSON.</source>
        <translation>Afficher le rapport en JSON.</translation>
    </message>
    <message>
        <source>--format must be simultaneous, round-robin, adversarial or council (vote is always run as the baseline).</source>
        <translation>--format doit être simultaneous, round-robin, adversarial ou council (vote est toujours exécuté comme référence).</translation>
    </message>
    <message>
        <source>--rounds, --consensus, --seed and --limit take numbers.</source>
        <translation>--rounds, --consensus, --seed et --limit attendent des nombres.</translation>
    </message>
    <message>
        <source>Cancelling the evaluation...</source>
        <translation>Annulation de l&apos;évaluation...</translation>
    </message>
    <message>
        <source>[%1/%2] %3: %4</source>
        <extracomment>Progress: %1 of %2 steps, %3 the question id, %4 the mode (single, vote or debate: not translated)</extracomment>
        <translation>[%1/%2] %3&#xa0;: %4</translation>
    </message>
    <message>
        <source>The evaluation stopped: %1</source>
        <translation>L&apos;évaluation s&apos;est arrêtée&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>Question set: %1 (%n question(s))</source>
        <extracomment>%1 is the name of the question set</extracomment>
        <translation>
            <numerusform>Jeu de questions&#xa0;: %1 (%n question)</numerusform>
            <numerusform>Jeu de questions&#xa0;: %1 (%n questions)</numerusform>
        </translation>
    </message>
    <message>
        <source>Agents: %1 · single = %2 alone · debate: %3, up to %4 round(s)</source>
        <extracomment>%1 the agents with their models, %2 the first agent, %3 the debate format (not translated), %4 the most rounds</extracomment>
        <translation>Agents&#xa0;: %1 · single = %2 seul · débat&#xa0;: %3, jusqu&apos;à %4 tour(s)</translation>
    </message>
    <message>
        <source>mode</source>
        <extracomment>Column headings of the report; calls/q and rounds/q are per question. Keep them short.</extracomment>
        <translation>mode</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>exactitude</translation>
    </message>
    <message>
        <source>calls</source>
        <translation>appels</translation>
    </message>
    <message>
        <source>calls/q</source>
        <translation>appels/q</translation>
    </message>
    <message>
        <source>rounds/q</source>
        <translation>tours/q</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>jetons</translation>
    </message>
    <message>
        <source>position changes per round</source>
        <translation>changements de position par tour</translation>
    </message>
    <message>
        <source>Debate: %1 right-to-wrong and %2 wrong-to-right changes; stopped by %3.</source>
        <extracomment>%1 and %2 are counts of position changes, %3 the reasons the debates stopped with their counts</extracomment>
        <translation>Débat&#xa0;: %1 changements de juste à faux et %2 de faux à juste&#xa0;; motifs d&apos;arrêt&#xa0;: %3.</translation>
    </message>
    <message>
        <source>Model calls compared: debate %1 (%2 repairs), vote %3 (%4 repairs). The vote asks for exactly as many answers as the debate made calls; its own repairs are the only difference. Much of debate&apos;s gain over a single model usually comes from voting.</source>
        <translation>Appels de modèle comparés&#xa0;: débat %1 (%2 relances), vote %3 (%4 relances). Le vote demande exactement autant de réponses que le débat a fait d&apos;appels&#xa0;; ses propres relances sont la seule différence. Une grande partie du gain du débat sur un modèle seul vient généralement du vote.</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Remarque&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>rt::cli::history</name>
    <message>
        <source>Print JSON instead of text.</source>
        <translation>Afficher en JSON au lieu du texte.</translation>
    </message>
    <message>
        <source>ID is a debate, not a conversation.</source>
        <translation>ID désigne un débat, pas une conversation.</translation>
    </message>
    <message>
        <source>At most N entries (default %1).</source>
        <extracomment>%1 is the default number of entries</extracomment>
        <translation>Au plus N entrées (%1 par défaut).</translation>
    </message>
    <message>
        <source>md (Markdown) or json.</source>
        <translation>md (Markdown) ou json.</translation>
    </message>
    <message>
        <source>Write to FILE instead of standard output.</source>
        <translation>Écrire dans FILE au lieu de la sortie standard.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an id. Run &apos;roundtable history list&apos; to see the ids.</source>
        <translation>«&#xa0;%1&#xa0;» n&apos;est pas un id. Lancez &apos;roundtable history list&apos; pour voir les id.</translation>
    </message>
    <message>
        <source>List stored conversations and debates, most recent first.</source>
        <translation>Lister les conversations et débats enregistrés, du plus récent au plus ancien.</translation>
    </message>
    <message>
        <source>--limit needs a positive number.</source>
        <translation>--limit attend un nombre positif.</translation>
    </message>
    <message>
        <source>Nothing stored yet. Conversations from &apos;roundtable chat&apos; and debates appear here.</source>
        <translation>Rien n&apos;est encore enregistré. Les conversations de &apos;roundtable chat&apos; et les débats apparaissent ici.</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Conversations</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Last activity</source>
        <translation>Mise à jour</translation>
    </message>
    <message>
        <source>Msgs</source>
        <extracomment>Column heading: the number of messages; keep it short</extracomment>
        <translation>Msg</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <source>(untitled)</source>
        <translation>(sans titre)</translation>
    </message>
    <message>
        <source>Debates (use --debate with show/export)</source>
        <translation>Débats (utilisez --debate avec show/export)</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Début</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Question</translation>
    </message>
    <message>
        <source>Print one stored conversation (or debate with --debate).</source>
        <translation>Afficher une conversation enregistrée (ou un débat avec --debate).</translation>
    </message>
    <message>
        <source>Conversation or debate id (see &apos;roundtable history list&apos;).</source>
        <translation>Id de la conversation ou du débat (voir &apos;roundtable history list&apos;).</translation>
    </message>
    <message>
        <source>Give exactly one id, e.g. roundtable history show 12</source>
        <translation>Indiquez exactement un id, p. ex. roundtable history show 12</translation>
    </message>
    <message>
        <source>Full-text search over all messages and debate turns. Every word must occur; quotes, * and other symbols are searched as plain text.</source>
        <translation>Recherche plein texte dans tous les messages et toutes les interventions des débats. Chaque mot doit apparaître&#xa0;; les guillemets, * et autres symboles sont cherchés comme du texte simple.</translation>
    </message>
    <message>
        <source>Words to look for.</source>
        <translation>Mots à rechercher.</translation>
    </message>
    <message>
        <source>Say what to search for, e.g. roundtable history search tomato soup</source>
        <translation>Indiquez ce qu&apos;il faut rechercher, p. ex. roundtable history search soupe de tomates</translation>
    </message>
    <message>
        <source>No matches for &quot;%1&quot;.</source>
        <translation>Aucun résultat pour «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>conversation %1</source>
        <extracomment>%1 is the id of the conversation or debate a search hit is in</extracomment>
        <translation>conversation %1</translation>
    </message>
    <message>
        <source>debate %1</source>
        <translation>débat %1</translation>
    </message>
    <message>
        <source>Export a conversation (or a debate with --debate) as Markdown or JSON. The JSON form can be imported again with &apos;roundtable history import&apos;.</source>
        <translation>Exporter une conversation (ou un débat avec --debate) en Markdown ou JSON. La forme JSON peut être réimportée avec &apos;roundtable history import&apos;.</translation>
    </message>
    <message>
        <source>Conversation or debate id.</source>
        <translation>Id de la conversation ou du débat.</translation>
    </message>
    <message>
        <source>Give exactly one id, e.g. roundtable history export 12 --format md</source>
        <translation>Indiquez exactement un id, p. ex. roundtable history export 12 --format md</translation>
    </message>
    <message>
        <source>Unknown format &quot;%1&quot;: use --format md or --format json.</source>
        <translation>Format «&#xa0;%1&#xa0;» inconnu&#xa0;: utilisez --format md ou --format json.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2. Check the folder exists and is writable.</source>
        <extracomment>%1 is a file name, %2 the reason from the system</extracomment>
        <translation>Impossible d&apos;écrire %1&#xa0;: %2. Vérifiez que le dossier existe et est accessible en écriture.</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Exporté vers %1</translation>
    </message>
    <message>
        <source>Import a conversation or debate from a JSON file made by &apos;roundtable history export --format json&apos;. It gets a new id; the original is not touched.</source>
        <translation>Importer une conversation ou un débat depuis un fichier JSON créé par &apos;roundtable history export --format json&apos;. Il reçoit un nouvel id&#xa0;; l&apos;original n&apos;est pas modifié.</translation>
    </message>
    <message>
        <source>The JSON export (&apos;-&apos; for standard input).</source>
        <translation>L&apos;export JSON (&apos;-&apos; pour l&apos;entrée standard).</translation>
    </message>
    <message>
        <source>Give exactly one file, e.g. roundtable history import chat.json</source>
        <translation>Indiquez exactement un fichier, p. ex. roundtable history import chat.json</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <extracomment>%1 is a file name, %2 the reason from the system</extracomment>
        <translation>Impossible de lire %1&#xa0;: %2</translation>
    </message>
    <message numerus="yes">
        <source>Imported debate %1 with %n turn(s).</source>
        <extracomment>%1 is the new debate id, %2 the number of turns</extracomment>
        <translation>
            <numerusform>Débat %1 importé avec %n intervention.</numerusform>
            <numerusform>Débat %1 importé avec %n interventions.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported conversation %1 with %n message(s).</source>
        <extracomment>%1 is the new conversation id, %2 the number of messages</extracomment>
        <translation>
            <numerusform>Conversation %1 importée avec %n message.</numerusform>
            <numerusform>Conversation %1 importée avec %n messages.</numerusform>
        </translation>
    </message>
    <message>
        <source>Usage: roundtable history COMMAND [options]
  list [--json] [--limit N]                   stored conversations and debates
  show ID [--debate] [--json]                 print one conversation or debate
  search TEXT [--json] [--limit N]            full-text search
  export ID --format md|json [-o FILE] [--debate]
  import FILE                                 import a JSON export
All take --db PATH|URL (default: $ROUNDTABLE_DB, then Settings, then the app data folder).</source>
        <translation>Utilisation&#xa0;: roundtable history COMMAND [options]
  list [--json] [--limit N]                   conversations et débats enregistrés
  show ID [--debate] [--json]                 afficher une conversation ou un débat
  search TEXT [--json] [--limit N]            recherche plein texte
  export ID --format md|json [-o FILE] [--debate]
  import FILE                                 importer un export JSON
Toutes acceptent --db PATH|URL (par défaut&#xa0;: $ROUNDTABLE_DB, puis les Paramètres, puis le dossier de données de l&apos;application).</translation>
    </message>
    <message>
        <source>Unknown history command &quot;%1&quot;.</source>
        <translation>Commande history inconnue «&#xa0;%1&#xa0;».</translation>
    </message>
</context>
<context>
    <name>rt::cli::hosts</name>
    <message>
        <source>NAME</source>
        <translation>NOM</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>MAX REQUESTS</source>
        <translation>REQUÊTES MAX</translation>
    </message>
    <message>
        <source>(No host is saved, so Roundtable uses this one, from $OLLAMA_HOST or the default. Add hosts with: roundtable hosts add NAME URL)</source>
        <translation>(Aucun hôte n&apos;est enregistré&#xa0;: Roundtable utilise celui-ci, issu de $OLLAMA_HOST ou de la valeur par défaut. Ajoutez des hôtes avec&#xa0;: roundtable hosts add NAME URL)</translation>
    </message>
    <message>
        <source>Usage: roundtable hosts add NAME URL [--max-concurrent N], e.g. roundtable hosts add gpu-box http://10.0.0.5:11434</source>
        <translation>Utilisation&#xa0;: roundtable hosts add NAME URL [--max-concurrent N], p. ex. roundtable hosts add gpu-box http://10.0.0.5:11434</translation>
    </message>
    <message>
        <source>The host name &quot;%1&quot; is not valid: use letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos; (up to 40), starting with a letter or digit.</source>
        <translation>Le nom d&apos;hôte «&#xa0;%1&#xa0;» n&apos;est pas valide&#xa0;: utilisez des lettres, des chiffres, &apos;.&apos;, &apos;_&apos; ou &apos;-&apos; (40 au plus), en commençant par une lettre ou un chiffre.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid Ollama host: %2</source>
        <extracomment>%1 is the address given, %2 the reason it is not valid</extracomment>
        <translation>«&#xa0;%1&#xa0;» n&apos;est pas un hôte Ollama valide&#xa0;: %2</translation>
    </message>
    <message>
        <source>Saved the host Roundtable used so far too: %1 (%2). Remove it with: roundtable hosts rm %1</source>
        <extracomment>%1 is a host name, %2 its address</extracomment>
        <translation>L&apos;hôte utilisé jusqu&apos;ici par Roundtable a aussi été enregistré&#xa0;: %1 (%2). Pour le retirer&#xa0;: roundtable hosts rm %1</translation>
    </message>
    <message>
        <source>A host named &quot;%1&quot; already exists (%2). Remove it first with: roundtable hosts rm %1</source>
        <extracomment>%1 is a host name, %2 its address</extracomment>
        <translation>Un hôte nommé «&#xa0;%1&#xa0;» existe déjà (%2). Retirez-le d&apos;abord avec&#xa0;: roundtable hosts rm %1</translation>
    </message>
    <message>
        <source>Added host %1 (%2).</source>
        <extracomment>%1 is a host name, %2 its address</extracomment>
        <translation>Hôte %1 ajouté (%2).</translation>
    </message>
    <message>
        <source>Usage: roundtable hosts rm NAME</source>
        <translation>Utilisation&#xa0;: roundtable hosts rm NAME</translation>
    </message>
    <message>
        <source>Removed host %1 (%2).</source>
        <extracomment>%1 is a host name, %2 its address</extracomment>
        <translation>Hôte %1 retiré (%2).</translation>
    </message>
    <message>
        <source>No host is saved now; Roundtable uses $OLLAMA_HOST or http://127.0.0.1:11434.</source>
        <translation>Plus aucun hôte n&apos;est enregistré&#xa0;; Roundtable utilise $OLLAMA_HOST ou http://127.0.0.1:11434.</translation>
    </message>
    <message>
        <source>There is no saved host &quot;%1&quot;; no host is saved.</source>
        <translation>Il n&apos;y a pas d&apos;hôte enregistré «&#xa0;%1&#xa0;»&#xa0;; aucun hôte n&apos;est enregistré.</translation>
    </message>
    <message>
        <source>There is no saved host &quot;%1&quot;. Saved hosts: %2.</source>
        <translation>Il n&apos;y a pas d&apos;hôte enregistré «&#xa0;%1&#xa0;». Hôtes enregistrés&#xa0;: %2.</translation>
    </message>
    <message>
        <source>STATE</source>
        <translation>ÉTAT</translation>
    </message>
    <message>
        <source>VERSION</source>
        <translation>VERSION</translation>
    </message>
    <message>
        <source>LATENCY</source>
        <translation>LATENCE</translation>
    </message>
    <message>
        <source>MODELS</source>
        <translation>MODÈLES</translation>
    </message>
    <message>
        <source>LOADED</source>
        <translation>CHARGÉS</translation>
    </message>
    <message>
        <source>up</source>
        <extracomment>The state of an Ollama host in the STATE column: it answers (up) or not (down)</extracomment>
        <translation>en ligne</translation>
    </message>
    <message>
        <source>down</source>
        <translation>hors ligne</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <extracomment>%1 is a host name, %2 why it does not answer</extracomment>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>The Ollama host does not answer.</source>
        <translation>L&apos;hôte Ollama ne répond pas.</translation>
    </message>
    <message>
        <source>No Ollama host answers.</source>
        <translation>Aucun hôte Ollama ne répond.</translation>
    </message>
    <message>
        <source>The Ollama hosts Roundtable uses, saved in the settings the window uses too. Requests go to a host that has the model; a host that fails is taken out of rotation until it answers again.

  roundtable hosts list [--json]
  roundtable hosts add NAME URL [--max-concurrent N]
  roundtable hosts rm NAME
  roundtable hosts check [--json]    state, version, latency and models of every host; exit 3 when none answers</source>
        <translation>Les hôtes Ollama utilisés par Roundtable, enregistrés dans les paramètres que la fenêtre utilise aussi. Les requêtes vont à un hôte qui dispose du modèle&#xa0;; un hôte en échec est retiré de la rotation jusqu&apos;à ce qu&apos;il réponde à nouveau.

  roundtable hosts list [--json]
  roundtable hosts add NAME URL [--max-concurrent N]
  roundtable hosts rm NAME
  roundtable hosts check [--json]    état, version, latence et modèles de chaque hôte&#xa0;; code 3 si aucun ne répond</translation>
    </message>
    <message>
        <source>Print JSON.</source>
        <translation>Afficher en JSON.</translation>
    </message>
    <message>
        <source>add: requests this host runs at once (default 4).</source>
        <translation>add&#xa0;: nombre de requêtes que cet hôte exécute simultanément (4 par défaut).</translation>
    </message>
    <message>
        <source>list (default), add, rm or check</source>
        <translation>list (par défaut), add, rm ou check</translation>
    </message>
    <message>
        <source>NAME URL (add), NAME (rm)</source>
        <translation>NAME URL (add), NAME (rm)</translation>
    </message>
    <message>
        <source>Unknown hosts action &quot;%1&quot;. Use list, add NAME URL, rm NAME or check.</source>
        <translation>Action hosts inconnue «&#xa0;%1&#xa0;». Utilisez list, add NAME URL, rm NAME ou check.</translation>
    </message>
</context>
<context>
    <name>rt::cli::metrics</name>
    <message>
        <source>Print the stored metric samples: a summary per line (last, min, mean, max), as a table, JSON with every sample, or Prometheus text with the last values.</source>
        <translation>Afficher les échantillons de métriques enregistrés&#xa0;: un résumé par courbe (dernière valeur, min, moyenne, max) sous forme de tableau, du JSON avec chaque échantillon, ou du texte Prometheus avec les dernières valeurs.</translation>
    </message>
    <message>
        <source>Every sample as JSON.</source>
        <translation>Chaque échantillon en JSON.</translation>
    </message>
    <message>
        <source>The last value of each line in Prometheus text format.</source>
        <translation>La dernière valeur de chaque courbe au format texte Prometheus.</translation>
    </message>
    <message>
        <source>How far back: 90s, 15m, 2h, 7d (default 1h).</source>
        <translation>Période couverte&#xa0;: 90s, 15m, 2h, 7d (1h par défaut).</translation>
    </message>
    <message>
        <source>Choose one of --json and --prometheus.</source>
        <translation>Choisissez --json ou --prometheus, pas les deux.</translation>
    </message>
    <message>
        <source>--since needs a duration such as 90s, 15m, 2h or 7d, not &quot;%1&quot;.</source>
        <translation>--since attend une durée comme 90s, 15m, 2h ou 7d, pas «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>No metric samples in the last %1. The window, roundtable serve and roundtable debate --serve store them while they run (every %2 s by default).</source>
        <extracomment>%1 is a duration as given to --since (such as 1h), %2 a number of seconds</extracomment>
        <translation>Aucun échantillon de métriques sur la dernière période de %1. La fenêtre, roundtable serve et roundtable debate --serve les enregistrent pendant leur exécution (toutes les %2&#xa0;s par défaut).</translation>
    </message>
    <message>
        <source>METRIC</source>
        <translation>MÉTRIQUE</translation>
    </message>
    <message>
        <source>SERIES</source>
        <translation>SÉRIE</translation>
    </message>
    <message>
        <source>LAST</source>
        <translation>DERNIÈRE</translation>
    </message>
    <message>
        <source>MIN</source>
        <translation>MIN</translation>
    </message>
    <message>
        <source>MEAN</source>
        <translation>MOYENNE</translation>
    </message>
    <message>
        <source>MAX</source>
        <translation>MAX</translation>
    </message>
    <message>
        <source>SAMPLES</source>
        <translation>ÉCHANTILLONS</translation>
    </message>
    <message>
        <source>LAST SAMPLE</source>
        <translation>DERNIER ÉCHANTILLON</translation>
    </message>
</context>
<context>
    <name>rt::cli::models</name>
    <message>
        <source>No models installed on %1. Pull one with: ollama pull llama3.2</source>
        <extracomment>%1 is the address of an Ollama host</extracomment>
        <translation>Aucun modèle installé sur %1. Téléchargez-en un avec&#xa0;: ollama pull llama3.2</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NOM</translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation>TAILLE</translation>
    </message>
    <message>
        <source>FAMILY</source>
        <translation>FAMILLE</translation>
    </message>
    <message>
        <source>PARAMETERS</source>
        <translation>PARAMÈTRES</translation>
    </message>
    <message>
        <source>QUANTIZATION</source>
        <translation>QUANTIFICATION</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modèle&#xa0;:</translation>
    </message>
    <message>
        <source>Family:</source>
        <translation>Famille&#xa0;:</translation>
    </message>
    <message>
        <source>Parameters:</source>
        <translation>Paramètres&#xa0;:</translation>
    </message>
    <message>
        <source>Quantization:</source>
        <translation>Quantification&#xa0;:</translation>
    </message>
    <message>
        <source>Context length:</source>
        <translation>Contexte&#xa0;:</translation>
    </message>
    <message>
        <source>Capabilities:</source>
        <translation>Capacités&#xa0;:</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>Taille&#xa0;:</translation>
    </message>
    <message>
        <source>Parameters (defaults):</source>
        <translation>Paramètres (par défaut)&#xa0;:</translation>
    </message>
    <message>
        <source>License:</source>
        <translation>Licence&#xa0;:</translation>
    </message>
    <message>
        <source>No model is loaded right now.</source>
        <translation>Aucun modèle n&apos;est chargé pour le moment.</translation>
    </message>
    <message>
        <source>PROCESSOR</source>
        <translation>PROCESSEUR</translation>
    </message>
    <message>
        <source>CONTEXT</source>
        <translation>CONTEXTE</translation>
    </message>
    <message>
        <source>UNTIL</source>
        <translation>JUSQU&apos;À</translation>
    </message>
    <message>
        <source>%1% GPU</source>
        <extracomment>%1 is the share of the model held in graphics memory, in percent</extracomment>
        <translation>%1&#xa0;% GPU</translation>
    </message>
    <message>
        <source>100% CPU</source>
        <extracomment>The model runs on the processor alone</extracomment>
        <translation>100&#xa0;% CPU</translation>
    </message>
    <message>
        <source>Deleted %1.</source>
        <extracomment>%1 is a model name</extracomment>
        <translation>%1 supprimé.</translation>
    </message>
    <message>
        <source>Manage the models of an Ollama host.

  list          list installed models
  show NAME     details: family, size, context length, capabilities
  ps            models loaded in memory now
  pull NAME     download a model as a task (Ctrl-C stops; pulling again or
                roundtable tasks resume ID continues it)
  rm NAME       delete a model</source>
        <translation>Gérer les modèles d&apos;un hôte Ollama.

  list          lister les modèles installés
  show NAME     détails&#xa0;: famille, taille, longueur du contexte, capacités
  ps            modèles actuellement chargés en mémoire
  pull NAME     télécharger un modèle sous forme de tâche (Ctrl-C l&apos;arrête&#xa0;;
                relancer pull ou roundtable tasks resume ID le reprend)
  rm NAME       supprimer un modèle</translation>
    </message>
    <message>
        <source>Print JSON.</source>
        <translation>Afficher en JSON.</translation>
    </message>
    <message>
        <source>Configured Ollama host to use, by name (default: the first one).</source>
        <translation>Hôte Ollama configuré à utiliser, par son nom (par défaut&#xa0;: le premier).</translation>
    </message>
    <message>
        <source>list, show, ps, pull or rm</source>
        <translation>list, show, ps, pull ou rm</translation>
    </message>
    <message>
        <source>Model name (show, pull, rm)</source>
        <translation>Nom du modèle (show, pull, rm)</translation>
    </message>
    <message>
        <source>Unknown models action &quot;%1&quot;. Use: roundtable models list|show|ps|pull|rm</source>
        <translation>Action models inconnue «&#xa0;%1&#xa0;». Utilisez&#xa0;: roundtable models list|show|ps|pull|rm</translation>
    </message>
    <message>
        <source>Name the model: roundtable models %1 NAME</source>
        <extracomment>%1 is the action (show, pull or rm), which is not translated</extracomment>
        <translation>Indiquez le modèle&#xa0;: roundtable models %1 NAME</translation>
    </message>
    <message>
        <source>There is no Ollama host named “%1”; the configured hosts are: %2.</source>
        <translation>Il n&apos;y a pas d&apos;hôte Ollama nommé «&#xa0;%1&#xa0;»&#xa0;; les hôtes configurés sont&#xa0;: %2.</translation>
    </message>
</context>
<context>
    <name>rt::cli::serve</name>
    <message>
        <source>--bind needs an IP address such as 127.0.0.1 or 0.0.0.0, not &quot;%1&quot;.</source>
        <translation>--bind attend une adresse IP comme 127.0.0.1 ou 0.0.0.0, pas «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>--token must be at least 16 characters long, so it cannot be guessed.</source>
        <translation>--token doit comporter au moins 16 caractères pour ne pas pouvoir être deviné.</translation>
    </message>
    <message>
        <source>--max-viewers needs a number from 1 to 100000.</source>
        <translation>--max-viewers attend un nombre de 1 à 100000.</translation>
    </message>
    <message>
        <source>--viewer-token needs at least 32 hex digits (128 bits), so it cannot be guessed.</source>
        <translation>--viewer-token doit comporter au moins 32 chiffres hexadécimaux (128 bits) pour ne pas pouvoir être deviné.</translation>
    </message>
    <message>
        <source>--tls-cert and --tls-key go together: give both PEM files.</source>
        <translation>--tls-cert et --tls-key vont ensemble&#xa0;: indiquez les deux fichiers PEM.</translation>
    </message>
    <message>
        <source>  %1/health   status as JSON (HTTP 503 when down); details with the token</source>
        <extracomment>%1 is the server&apos;s address</extracomment>
        <translation>  %1/health   état en JSON (HTTP 503 si hors service)&#xa0;; détails avec le jeton</translation>
    </message>
    <message>
        <source>  %1/         live view of the debates for remote viewers (open the viewers link below)</source>
        <extracomment>%1 is the server&apos;s address</extracomment>
        <translation>  %1/         vue en direct des débats pour les spectateurs distants (ouvrez le lien spectateur ci-dessous)</translation>
    </message>
    <message>
        <source>Run the local server: /metrics for Prometheus and /health, with the Ollama hosts probed every few seconds, until Ctrl-C. Prints the address and the token.</source>
        <translation>Lancer le serveur local&#xa0;: /metrics pour Prometheus et /health, en interrogeant les hôtes Ollama toutes les quelques secondes, jusqu&apos;à Ctrl-C. Affiche l&apos;adresse et le jeton.</translation>
    </message>
    <message>
        <source>Port to listen on (default: the one in Settings, 9477; 0 = any free port).</source>
        <translation>Port d&apos;écoute (par défaut&#xa0;: celui des Paramètres, 9477&#xa0;; 0 = n&apos;importe quel port libre).</translation>
    </message>
    <message>
        <source>Seconds between health probes of each Ollama host (default 15).</source>
        <translation>Intervalle en secondes entre les vérifications d&apos;état de chaque hôte Ollama (15 par défaut).</translation>
    </message>
    <message>
        <source>Do not write metric samples to the database.</source>
        <translation>Ne pas écrire d&apos;échantillons de métriques dans la base de données.</translation>
    </message>
    <message>
        <source>Serving without storing samples.</source>
        <translation>Serveur actif sans enregistrement des échantillons.</translation>
    </message>
    <message>
        <source>Server stopped.</source>
        <translation>Serveur arrêté.</translation>
    </message>
    <message>
        <source>Address to listen on (default: the one in Settings, 127.0.0.1). Use 0.0.0.0 to let other machines connect.</source>
        <translation>Adresse d&apos;écoute (par défaut&#xa0;: celle des Paramètres, 127.0.0.1). Utilisez 0.0.0.0 pour permettre à d&apos;autres machines de se connecter.</translation>
    </message>
    <message>
        <source>Bearer token for /metrics (default: the one in Settings, generated on first use).</source>
        <translation>Jeton d&apos;accès (Bearer) pour /metrics (par défaut&#xa0;: celui des Paramètres, généré à la première utilisation).</translation>
    </message>
    <message>
        <source>Let requests from this machine read /metrics without the token.</source>
        <translation>Permettre aux requêtes de cette machine de lire /metrics sans le jeton.</translation>
    </message>
    <message>
        <source>Most remote viewers at once (default: the one in Settings, 1000).</source>
        <translation>Nombre maximal de spectateurs distants simultanés (par défaut&#xa0;: celui des Paramètres, 1000).</translation>
    </message>
    <message>
        <source>Token of the viewer link, at least 32 hex digits (default: a fresh random one at every start).</source>
        <translation>Jeton du lien spectateur, d&apos;au moins 32 chiffres hexadécimaux (par défaut&#xa0;: un nouveau jeton aléatoire à chaque démarrage).</translation>
    </message>
    <message>
        <source>Do not show debates to remote viewers.</source>
        <translation>Ne pas montrer les débats aux spectateurs distants.</translation>
    </message>
    <message>
        <source>PEM certificate: serve https and wss (with --tls-key).</source>
        <translation>Certificat PEM&#xa0;: servir en https et wss (avec --tls-key).</translation>
    </message>
    <message>
        <source>PEM private key for --tls-cert.</source>
        <translation>Clé privée PEM pour --tls-cert.</translation>
    </message>
    <message>
        <source>  %1/metrics  Prometheus text format; send the header &quot;Authorization: Bearer TOKEN&quot; (not needed from this machine)</source>
        <extracomment>%1 is the server&apos;s address; the endpoint and the header are not translated</extracomment>
        <translation>  %1/metrics  format texte Prometheus&#xa0;; envoyer l&apos;en-tête &quot;Authorization: Bearer TOKEN&quot; (inutile depuis cette machine)</translation>
    </message>
    <message>
        <source>  %1/metrics  Prometheus text format; send the header &quot;Authorization: Bearer TOKEN&quot;</source>
        <extracomment>%1 is the server&apos;s address; the endpoint and the header are not translated</extracomment>
        <translation>  %1/metrics  format texte Prometheus&#xa0;; envoyer l&apos;en-tête &quot;Authorization: Bearer TOKEN&quot;</translation>
    </message>
</context>
<context>
    <name>rt::cli::tasks</name>
    <message>
        <source>%1 left</source>
        <extracomment>%1 is the time a download still needs, such as 2m 10s</extracomment>
        <translation>reste %1</translation>
    </message>
    <message>
        <source>pulling %1 </source>
        <extracomment>%1 is a model name; a progress bar follows after the space</extracomment>
        <translation>téléchargement de %1 </translation>
    </message>
    <message>
        <source>There is no task %1; roundtable tasks list shows them.</source>
        <translation>Il n&apos;y a pas de tâche %1&#xa0;; roundtable tasks list les affiche.</translation>
    </message>
    <message>
        <source>Pulled %1.</source>
        <extracomment>%1 is a model name</extracomment>
        <translation>%1 téléchargé.</translation>
    </message>
    <message>
        <source>Debate %1 finished. Answer: %2</source>
        <extracomment>%1 is the debate id, %2 its answer</extracomment>
        <translation>Débat %1 terminé. Réponse&#xa0;: %2</translation>
    </message>
    <message>
        <source>Task %1 (%2) finished.</source>
        <extracomment>%1 is the task id, %2 its title</extracomment>
        <translation>Tâche %1 (%2) terminée.</translation>
    </message>
    <message>
        <source>Pull of %1 cancelled; run the same command again to resume.</source>
        <extracomment>%1 is a model name</extracomment>
        <translation>Téléchargement de %1 annulé&#xa0;; relancez la même commande pour le reprendre.</translation>
    </message>
    <message>
        <source>Debate %1 interrupted. Continue with: roundtable debate --resume %1</source>
        <translation>Débat %1 interrompu. Pour le poursuivre&#xa0;: roundtable debate --resume %1</translation>
    </message>
    <message>
        <source>Task %1 (%2) cancelled.</source>
        <extracomment>%1 is the task id, %2 its title</extracomment>
        <translation>Tâche %1 (%2) annulée.</translation>
    </message>
    <message>
        <source>Task %1 (%2) ended as %3.</source>
        <extracomment>%1 is the task id, %2 its title, %3 its status (failed, interrupted, ...: not translated)</extracomment>
        <translation>La tâche %1 (%2) s&apos;est terminée avec l&apos;état %3.</translation>
    </message>
    <message>
        <source>The operation was abandoned before it finished.</source>
        <translation>L&apos;opération a été abandonnée avant d&apos;être terminée.</translation>
    </message>
    <message>
        <source>cancel requested (pid %1 on %2)</source>
        <extracomment>%1 is a process id, %2 the name of the machine it runs on</extracomment>
        <translation>annulation demandée (pid %1 sur %2)</translation>
    </message>
    <message>
        <source>in another process (pid %1 on %2)</source>
        <extracomment>%1 is a process id, %2 the name of the machine it runs on</extracomment>
        <translation>dans un autre processus (pid %1 sur %2)</translation>
    </message>
    <message>
        <source>resumable: roundtable tasks resume %1</source>
        <translation>reprise possible&#xa0;: roundtable tasks resume %1</translation>
    </message>
    <message>
        <source>No tasks yet. Pulls (roundtable models pull NAME) and debates run as tasks.</source>
        <translation>Aucune tâche pour l&apos;instant. Les téléchargements (roundtable models pull NAME) et les débats s&apos;exécutent sous forme de tâches.</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>KIND</source>
        <translation>TYPE</translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation>STATUT</translation>
    </message>
    <message>
        <source>PROGRESS</source>
        <translation>PROGRÈS</translation>
    </message>
    <message>
        <source>UPDATED</source>
        <translation>MODIFIÉE</translation>
    </message>
    <message>
        <source>TITLE</source>
        <translation>TITRE</translation>
    </message>
    <message>
        <source>NOTE</source>
        <translation>NOTE</translation>
    </message>
    <message>
        <source>Task:</source>
        <translation>Tâche&#xa0;:</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>Titre&#xa0;:</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>Type&#xa0;:</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Statut&#xa0;:</translation>
    </message>
    <message>
        <source>Progress:</source>
        <translation>Progrès&#xa0;:</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>Hôte&#xa0;:</translation>
    </message>
    <message>
        <source>Owner:</source>
        <translation>Géré par&#xa0;:</translation>
    </message>
    <message>
        <source>pid %1 on %2</source>
        <extracomment>%1 is a process id, %2 the name of the machine it runs on</extracomment>
        <translation>pid %1 sur %2</translation>
    </message>
    <message>
        <source>Created:</source>
        <translation>Créée&#xa0;:</translation>
    </message>
    <message>
        <source>Started:</source>
        <translation>Démarrée&#xa0;:</translation>
    </message>
    <message>
        <source>Finished:</source>
        <translation>Terminée&#xa0;:</translation>
    </message>
    <message>
        <source>Updated:</source>
        <translation>Modifiée&#xa0;:</translation>
    </message>
    <message>
        <source>Error:</source>
        <translation>Erreur&#xa0;:</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Note&#xa0;:</translation>
    </message>
    <message>
        <source>Payload:</source>
        <translation>Données&#xa0;:</translation>
    </message>
    <message>
        <source>Asked process %1 on %2 to cancel task %3; it has not stopped yet. Check with: roundtable tasks show %3</source>
        <extracomment>%1 is a process id, %2 the name of the machine it runs on, %3 the task id</extracomment>
        <translation>Le processus %1 sur %2 a reçu la demande d&apos;annuler la tâche %3&#xa0;; il ne s&apos;est pas encore arrêté. Vérifiez avec&#xa0;: roundtable tasks show %3</translation>
    </message>
    <message>
        <source>Task %1 did not stop in time.</source>
        <translation>La tâche %1 ne s&apos;est pas arrêtée à temps.</translation>
    </message>
    <message>
        <source>Task %1 (%2) ended as %3 before it could be cancelled.</source>
        <extracomment>%1 is the task id, %2 its title, %3 its status (not translated)</extracomment>
        <translation>La tâche %1 (%2) s&apos;est terminée avec l&apos;état %3 avant de pouvoir être annulée.</translation>
    </message>
    <message>
        <source>Dismissed interrupted task %1 (%2); it will not be offered for resuming.</source>
        <extracomment>%1 is the task id, %2 its title</extracomment>
        <translation>Tâche interrompue %1 (%2) abandonnée&#xa0;; sa reprise ne sera plus proposée.</translation>
    </message>
    <message>
        <source>Cancelled task %1 (%2).</source>
        <translation>Tâche %1 (%2) annulée.</translation>
    </message>
    <message>
        <source>Long work (model pulls, debates) runs as tasks, shared by every Roundtable process using the same database.

  list          recent tasks, newest first
  show ID       one task in detail
  cancel ID     stop a task (also one running in another process) or dismiss an interrupted one
  resume ID     continue an interrupted pull or debate here, in the foreground (Ctrl-C stops it)</source>
        <translation>Les travaux longs (téléchargements de modèles, débats) s&apos;exécutent sous forme de tâches, partagées par tous les processus Roundtable qui utilisent la même base de données.

  list          tâches récentes, les plus récentes en premier
  show ID       le détail d&apos;une tâche
  cancel ID     arrêter une tâche (même dans un autre processus) ou abandonner une tâche interrompue
  resume ID     poursuivre ici, au premier plan, un téléchargement ou un débat interrompu (Ctrl-C l&apos;arrête)</translation>
    </message>
    <message>
        <source>Print JSON (list, show).</source>
        <translation>Afficher en JSON (list, show).</translation>
    </message>
    <message>
        <source>How many tasks to list (default 50).</source>
        <translation>Nombre de tâches à lister (50 par défaut).</translation>
    </message>
    <message>
        <source>list, show, cancel or resume</source>
        <translation>list, show, cancel ou resume</translation>
    </message>
    <message>
        <source>Task id (show, cancel, resume)</source>
        <translation>Id de la tâche (show, cancel, resume)</translation>
    </message>
    <message>
        <source>Unknown tasks action &quot;%1&quot;. Use: roundtable tasks list|show|cancel|resume</source>
        <translation>Action tasks inconnue «&#xa0;%1&#xa0;». Utilisez&#xa0;: roundtable tasks list|show|cancel|resume</translation>
    </message>
    <message>
        <source>Give one task id, e.g. roundtable tasks %1 12 (roundtable tasks list shows them).</source>
        <extracomment>%1 is the action (show, cancel or resume), which is not translated</extracomment>
        <translation>Indiquez un seul id de tâche, p. ex. roundtable tasks %1 12 (roundtable tasks list les affiche).</translation>
    </message>
</context>
<context>
    <name>rt::cli::watch</name>
    <message>
        <source>No debate is running there; waiting for the next one (Ctrl-C to stop).</source>
        <translation>Aucun débat n&apos;est en cours là-bas&#xa0;; attente du suivant (Ctrl-C pour arrêter).</translation>
    </message>
    <message>
        <source>(paused: %1)</source>
        <extracomment>%1 is why the debate paused</extracomment>
        <translation>(en pause&#xa0;: %1)</translation>
    </message>
    <message>
        <source>(resumed)</source>
        <translation>(repris)</translation>
    </message>
    <message>
        <source>Debate %1: %2</source>
        <translation>Débat %1&#xa0;: %2</translation>
    </message>
    <message numerus="yes">
        <source>  %1, up to %n round(s); seats: %2</source>
        <extracomment>%1 is the debate format (not translated), %2 the agents&apos; names</extracomment>
        <translation>
            <numerusform>  %1, jusqu&apos;à %n tour&#xa0;; sièges&#xa0;: %2</numerusform>
            <numerusform>  %1, jusqu&apos;à %n tours&#xa0;; sièges&#xa0;: %2</numerusform>
        </translation>
    </message>
    <message>
        <source>— Round %1 of %2 (%3): %4</source>
        <extracomment>%3 is the round&apos;s phase (not translated), %4 the agents who speak in it</extracomment>
        <translation>— Tour %1 sur %2 (%3)&#xa0;: %4</translation>
    </message>
    <message>
        <source>— Round %1</source>
        <translation>— Tour %1</translation>
    </message>
    <message>
        <source> answer: %1</source>
        <extracomment>%1 is the agent&apos;s answer; follows the agent&apos;s name in brackets, hence the leading space</extracomment>
        <translation> réponse&#xa0;: %1</translation>
    </message>
    <message>
        <source>(note) %1</source>
        <translation>(note) %1</translation>
    </message>
    <message>
        <source>The debate failed: %1</source>
        <translation>Le débat a échoué&#xa0;: %1</translation>
    </message>
    <message>
        <source>Result: %1 (%2 agreement, %3)</source>
        <extracomment>%1 is the answer, %2 the agreement in percent, %3 why the debate stopped</extracomment>
        <translation>Résultat&#xa0;: %1 (%2 d&apos;accord, %3)</translation>
    </message>
    <message>
        <source>Synthesis by %1: %2</source>
        <extracomment>%1 is an agent name, %2 its summary</extracomment>
        <translation>Synthèse par %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Dissent: %1 answered %2</source>
        <extracomment>%1 is an agent name, %2 its answer</extracomment>
        <translation>Désaccord&#xa0;: %1 a répondu %2</translation>
    </message>
    <message>
        <source>The debate was interrupted there; it can be continued on that machine.</source>
        <translation>Le débat a été interrompu là-bas&#xa0;; il peut être poursuivi sur cette machine-là.</translation>
    </message>
    <message>
        <source>Watch a live debate of another Roundtable, read-only, from its viewer link (Settings → Local Server, or what roundtable serve and roundtable debate --serve print). Prints each finished turn, the consensus after each round and the result; exits when the debate ends.</source>
        <translation>Suivre en direct un débat d&apos;un autre Roundtable, en lecture seule, depuis son lien spectateur (Paramètres → Serveur local, ou ce qu&apos;affichent roundtable serve et roundtable debate --serve). Affiche chaque intervention terminée, le consensus après chaque tour et le résultat&#xa0;; se termine à la fin du débat.</translation>
    </message>
    <message>
        <source>The viewer link: http://HOST:PORT/?token=TOKEN</source>
        <translation>Le lien spectateur&#xa0;: http://HOST:PORT/?token=TOKEN</translation>
    </message>
    <message>
        <source>Print debug output to stderr.</source>
        <translation>Afficher la sortie de débogage sur stderr.</translation>
    </message>
    <message>
        <source>Watch this debate (default: the one running, else the next to start).</source>
        <translation>Suivre ce débat (par défaut&#xa0;: celui en cours, sinon le prochain à démarrer).</translation>
    </message>
    <message>
        <source>Print every event of the debate as one JSON line (the protocol&apos;s frames).</source>
        <translation>Afficher chaque événement du débat sous forme d&apos;une ligne JSON (les trames du protocole).</translation>
    </message>
    <message>
        <source>Accept a TLS certificate that is not trusted (a self-signed one).</source>
        <translation>Accepter un certificat TLS non approuvé (auto-signé).</translation>
    </message>
    <message>
        <source>Exit 3 when the table cannot be reached for this many seconds (default 60; 0 = keep trying).</source>
        <translation>Code de sortie 3 si la table reste injoignable pendant ce nombre de secondes (60 par défaut&#xa0;; 0 = réessayer indéfiniment).</translation>
    </message>
    <message>
        <source>Give one viewer link, such as http://192.168.1.20:9477/?token=TOKEN.</source>
        <translation>Indiquez un seul lien spectateur, p. ex. http://192.168.1.20:9477/?token=TOKEN.</translation>
    </message>
    <message>
        <source>--debate needs a debate number.</source>
        <translation>--debate attend un numéro de débat.</translation>
    </message>
    <message>
        <source>Gave up: %1</source>
        <extracomment>%1 is the connection state, such as why the table cannot be reached</extracomment>
        <translation>Abandon&#xa0;: %1</translation>
    </message>
    <message>
        <source>Consensus after round %1: %2 on “%3” (threshold %4), reached</source>
        <extracomment>%1 is the round, %2 the support for the leading answer %3, %4 the threshold; the consensus was reached</extracomment>
        <translation>Consensus après le tour %1&#xa0;: %2 pour «&#xa0;%3&#xa0;» (seuil %4), atteint</translation>
    </message>
    <message>
        <source>Consensus after round %1: %2 on “%3” (threshold %4)</source>
        <extracomment>%1 is the round, %2 the support for the leading answer %3, %4 the threshold</extracomment>
        <translation>Consensus après le tour %1&#xa0;: %2 pour «&#xa0;%3&#xa0;» (seuil %4)</translation>
    </message>
</context>
<context>
    <name>rt::debate</name>
    <message>
        <source>The adversarial format takes a proponent, an opponent and optionally a judge: give 2 or 3 agents.</source>
        <translation>Le format contradictoire demande un défenseur, un opposant et éventuellement un juge&#xa0;: indiquez 2 ou 3 agents.</translation>
    </message>
    <message>
        <source>A council needs at least two members besides the chair.</source>
        <translation>Un conseil doit compter au moins deux membres en plus du président.</translation>
    </message>
    <message numerus="yes">
        <source>This format needs at least %n debating agent(s).</source>
        <translation>
            <numerusform>Ce format nécessite au moins %n agent débatteur.</numerusform>
            <numerusform>Ce format nécessite au moins %n agents débatteurs.</numerusform>
        </translation>
    </message>
    <message>
        <source>not stopped</source>
        <translation>pas arrêté</translation>
    </message>
    <message>
        <source>all agents agreed</source>
        <translation>tous les agents étaient d&apos;accord</translation>
    </message>
    <message>
        <source>the consensus threshold was reached</source>
        <translation>le seuil de consensus a été atteint</translation>
    </message>
    <message>
        <source>no agent changed position</source>
        <translation>aucun agent n&apos;a changé de position</translation>
    </message>
    <message>
        <source>the judge or chair decided</source>
        <translation>le juge ou le président a tranché</translation>
    </message>
    <message>
        <source>the maximum number of rounds was reached</source>
        <translation>le nombre maximal de tours a été atteint</translation>
    </message>
    <message>
        <source>the token or time budget ran out</source>
        <translation>le budget de jetons ou de temps était épuisé</translation>
    </message>
    <message>
        <source>stopped by the user</source>
        <translation>arrêté par l&apos;utilisateur</translation>
    </message>
    <message>
        <source>an error ended the debate</source>
        <translation>une erreur a mis fin au débat</translation>
    </message>
    <message>
        <source>The debate needs a question.</source>
        <translation>Le débat doit avoir une question.</translation>
    </message>
    <message>
        <source>The number of rounds must be between 1 and %1.</source>
        <translation>Le nombre de tours doit être compris entre 1 et %1.</translation>
    </message>
    <message>
        <source>The consensus threshold must be above 0 and at most 1.</source>
        <translation>Le seuil de consensus doit être supérieur à 0 et au plus égal à 1.</translation>
    </message>
    <message>
        <source>Agreement intensity must be between 0 and 10.</source>
        <translation>L&apos;intensité d&apos;accord doit être comprise entre 0 et 10.</translation>
    </message>
    <message>
        <source>Budgets and limits must not be negative (at least 16 tokens per turn).</source>
        <translation>Les budgets et les limites ne doivent pas être négatifs (au moins 16 jetons par intervention).</translation>
    </message>
    <message>
        <source>The debate needs agents.</source>
        <translation>Le débat a besoin d&apos;agents.</translation>
    </message>
    <message>
        <source>Agent %1 has no model; give it one or set a default model.</source>
        <translation>L&apos;agent %1 n&apos;a pas de modèle&#xa0;; attribuez-lui-en un ou définissez un modèle par défaut.</translation>
    </message>
    <message>
        <source>These answers came from roundtable-ollama-sim: the figures describe the debate engine, not the quality of any real model.</source>
        <translation>Ces réponses proviennent de roundtable-ollama-sim&#xa0;: les chiffres décrivent le moteur de débat, pas la qualité d&apos;un modèle réel.</translation>
    </message>
    <message>
        <source>The evaluation was cancelled.</source>
        <translation>L&apos;évaluation a été annulée.</translation>
    </message>
    <message>
        <source>%1 is neither JSON nor JSON lines (line %2: %3).</source>
        <translation>%1 n&apos;est ni du JSON ni du JSON Lines (ligne %2&#xa0;: %3).</translation>
    </message>
    <message>
        <source>Item %1 of %2 needs a &quot;question&quot; and an &quot;answer&quot;.</source>
        <translation>L&apos;élément %1 sur %2 doit avoir une «&#xa0;question&#xa0;» et une «&#xa0;answer&#xa0;».</translation>
    </message>
    <message>
        <source>%1 contains no questions.</source>
        <translation>%1 ne contient aucune question.</translation>
    </message>
    <message>
        <source>Cannot read the question set %1: %2</source>
        <translation>Impossible de lire le jeu de questions %1&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>rt::debate::DebateEngine</name>
    <message>
        <source>Embeddings from %1 are not available (%2); free-text answers are grouped by word overlap instead.</source>
        <translation>Les plongements de %1 ne sont pas disponibles (%2)&#xa0;; les réponses libres sont regroupées par mots communs à la place.</translation>
    </message>
    <message>
        <source>wrong number of vectors</source>
        <translation>nombre de vecteurs incorrect</translation>
    </message>
    <message>
        <source>This engine is already running a debate.</source>
        <translation>Ce moteur exécute déjà un débat.</translation>
    </message>
    <message>
        <source>The debate could not be saved: %1</source>
        <translation>Le débat n&apos;a pas pu être enregistré&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 has no model of its own; using %2.</source>
        <translation>%1 n&apos;a pas de modèle propre&#xa0;; utilisation de %2.</translation>
    </message>
    <message>
        <source>%1 has no model of its own; using %2 (%3).</source>
        <translation>%1 n&apos;a pas de modèle propre&#xa0;; utilisation de %2 (%3).</translation>
    </message>
    <message>
        <source>Paused by the user.</source>
        <translation>Mis en pause par l&apos;utilisateur.</translation>
    </message>
    <message>
        <source>Round %1 could not be saved: %2</source>
        <translation>Le tour %1 n&apos;a pas pu être enregistré&#xa0;: %2</translation>
    </message>
    <message numerus="yes">
        <source>after %n round(s), because %1.</source>
        <translation>
            <numerusform>après %n tour, car %1.</numerusform>
            <numerusform>après %n tours, car %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Moderator</source>
        <translation>Modérateur</translation>
    </message>
    <message>
        <source>The moderator note could not be saved: %1</source>
        <translation>La note pour les agents n&apos;a pas pu être enregistrée&#xa0;: %1</translation>
    </message>
    <message>
        <source>Debate %1 has already ended (%2); there is nothing to resume.</source>
        <translation>Le débat %1 est déjà terminé (%2)&#xa0;; il n&apos;y a rien à reprendre.</translation>
    </message>
    <message>
        <source>none of %1&apos;s models (%2) is installed on a reachable Ollama host; pull one with: roundtable models pull %3</source>
        <translation>aucun des modèles de %1 (%2) n&apos;est installé sur un hôte Ollama joignable&#xa0;; téléchargez-en un avec&#xa0;: roundtable models pull %3</translation>
    </message>
    <message>
        <source>%1 is %2</source>
        <translation>%1 est %2</translation>
    </message>
    <message>
        <source>%1 moved from host %2 to host %3: %4</source>
        <translation>%1 est passé de l&apos;hôte %2 à l&apos;hôte %3&#xa0;: %4</translation>
    </message>
    <message>
        <source>%1&apos;s model %2 is not installed on any reachable host; using %3 instead.</source>
        <translation>Le modèle %2 de %1 n&apos;est installé sur aucun hôte joignable&#xa0;; utilisation de %3 à la place.</translation>
    </message>
    <message>
        <source>%1 stopped answering mid-reply (%2)</source>
        <translation>%1 s&apos;est interrompu au milieu de sa réponse (%2)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1 gave no usable answer this turn (no stance).</source>
        <translation>%1 n&apos;a donné aucune réponse exploitable pour cette intervention (aucune position).</translation>
    </message>
    <message>
        <source>The reply was stopped before it was complete.</source>
        <translation>La réponse a été arrêtée avant d&apos;être complète.</translation>
    </message>
    <message>
        <source>%1&apos;s reply failed: %2</source>
        <translation>La réponse de %1 a échoué&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1&apos;s reply did not fit the answer format; asking once more.</source>
        <translation>La réponse de %1 ne respectait pas le format attendu&#xa0;; nouvelle demande.</translation>
    </message>
    <message>
        <source>%1&apos;s turn could not be saved: %2</source>
        <translation>L&apos;intervention de %1 n&apos;a pas pu être enregistrée&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1 was skipped this turn: %2</source>
        <translation>%1 a passé son tour&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Fewer than two agents can speak: %1 The debate is paused; resume it when Ollama is back.</source>
        <translation>Moins de deux agents peuvent parler&#xa0;: %1 Le débat est en pause&#xa0;; reprenez-le quand Ollama sera de nouveau disponible.</translation>
    </message>
    <message>
        <source>Fewer than two agents can speak: %1 cannot (no model installed on a reachable host). The debate is paused; install a model or change the agents, then resume.</source>
        <translation>Moins de deux agents peuvent parler. Aucun modèle installé sur un hôte joignable pour&#xa0;: %1. Le débat est en pause&#xa0;; installez un modèle ou modifiez les agents, puis reprenez-le.</translation>
    </message>
</context>
<context>
    <name>rt::debate::DebateJob</name>
    <message>
        <source>Debate: %1</source>
        <translation>Débat&#xa0;: %1</translation>
    </message>
    <message>
        <source>Resumed</source>
        <translation>Repris</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Démarré</translation>
    </message>
    <message>
        <source>Round %1 of %2</source>
        <translation>Tour %1 sur %2</translation>
    </message>
    <message>
        <source>Round %1 of %2 done, consensus %3%</source>
        <translation>Tour %1 sur %2 terminé, consensus %3&#xa0;%</translation>
    </message>
    <message>
        <source>The debate failed.</source>
        <translation>Le débat a échoué.</translation>
    </message>
</context>
<context>
    <name>rt::llm</name>
    <message>
        <source>An Ollama host needs a name.</source>
        <translation>Un hôte Ollama doit avoir un nom.</translation>
    </message>
    <message>
        <source>An Ollama host named “%1” already exists; choose another name.</source>
        <translation>Un hôte Ollama nommé «&#xa0;%1&#xa0;» existe déjà&#xa0;; choisissez un autre nom.</translation>
    </message>
    <message>
        <source>The URL of the Ollama host “%1” is not valid; use a form like http://127.0.0.1:11434.</source>
        <translation>L&apos;URL de l&apos;hôte Ollama «&#xa0;%1&#xa0;» n&apos;est pas valide&#xa0;; utilisez une forme comme http://127.0.0.1:11434.</translation>
    </message>
    <message>
        <source>There is no Ollama host named “%1”.</source>
        <translation>Il n&apos;existe aucun hôte Ollama nommé «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>No Ollama host is configured; add one in the settings.</source>
        <translation>Aucun hôte Ollama n&apos;est configuré&#xa0;; ajoutez-en un dans les paramètres.</translation>
    </message>
    <message>
        <source>The Ollama host is offline; check that Ollama is running.</source>
        <translation>L&apos;hôte Ollama est hors ligne&#xa0;; vérifiez qu&apos;Ollama est en cours d&apos;exécution.</translation>
    </message>
    <message>
        <source>No Ollama host is reachable right now; check that Ollama is running. %1</source>
        <translation>Aucun hôte Ollama n&apos;est joignable pour le moment&#xa0;; vérifiez qu&apos;Ollama est en cours d&apos;exécution. %1</translation>
    </message>
    <message>
        <source>None of the models %1 is installed on a reachable Ollama host; pull one with: roundtable models pull %2</source>
        <translation>Aucun des modèles %1 n&apos;est installé sur un hôte Ollama joignable&#xa0;; téléchargez-en un avec&#xa0;: roundtable models pull %2</translation>
    </message>
    <message>
        <source>The model “%1” is not installed on a reachable Ollama host; pull it with: roundtable models pull %1</source>
        <translation>Le modèle «&#xa0;%1&#xa0;» n&apos;est installé sur aucun hôte Ollama joignable&#xa0;; téléchargez-le avec&#xa0;: roundtable models pull %1</translation>
    </message>
    <message>
        <source>Ollama host “%1” at %2 is offline (%3); retrying in %4 s.</source>
        <translation>L&apos;hôte Ollama «&#xa0;%1&#xa0;» à l&apos;adresse %2 est hors ligne (%3)&#xa0;; nouvel essai dans %4 s.</translation>
    </message>
    <message>
        <source>Checking whether Ollama host “%1” is back.</source>
        <translation>Vérification du retour de l&apos;hôte Ollama «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Ollama host “%1” is back online.</source>
        <translation>L&apos;hôte Ollama «&#xa0;%1&#xa0;» est de nouveau en ligne.</translation>
    </message>
    <message>
        <source>An Ollama host in the settings has no name; give every host a name.</source>
        <translation>Un hôte Ollama des paramètres n&apos;a pas de nom&#xa0;; donnez un nom à chaque hôte.</translation>
    </message>
    <message>
        <source>The Ollama host “%1” has an invalid URL; use a form like http://127.0.0.1:11434.</source>
        <translation>L&apos;hôte Ollama «&#xa0;%1&#xa0;» a une URL non valide&#xa0;; utilisez une forme comme http://127.0.0.1:11434.</translation>
    </message>
    <message>
        <source>There is no Ollama host named “%1”; the configured hosts are: %2.</source>
        <translation>Il n&apos;existe aucun hôte Ollama nommé «&#xa0;%1&#xa0;»&#xa0;; les hôtes configurés sont&#xa0;: %2.</translation>
    </message>
    <message>
        <source>The Ollama host is gone; try again.</source>
        <translation>L&apos;hôte Ollama n&apos;est plus disponible&#xa0;; réessayez.</translation>
    </message>
    <message>
        <source>The download of %1 was stopped; pulling it again resumes where it left off.</source>
        <translation>Le téléchargement de %1 a été arrêté&#xa0;; le relancer le reprendra là où il s&apos;était arrêté.</translation>
    </message>
    <message>
        <source>The model “%1” does not exist in the Ollama library; check the name and tag.</source>
        <translation>Le modèle «&#xa0;%1&#xa0;» n&apos;existe pas dans la bibliothèque Ollama&#xa0;; vérifiez le nom et l&apos;étiquette.</translation>
    </message>
    <message>
        <source>No Ollama host came back in time; check that Ollama is running.</source>
        <translation>Aucun hôte Ollama n&apos;est revenu à temps&#xa0;; vérifiez qu&apos;Ollama est en cours d&apos;exécution.</translation>
    </message>
    <message>
        <source>The connection pool was closed.</source>
        <translation>Le pool de connexions a été fermé.</translation>
    </message>
    <message>
        <source>The request could not be placed on any Ollama host.</source>
        <translation>La requête n&apos;a pu être confiée à aucun hôte Ollama.</translation>
    </message>
    <message>
        <source>The model “%1” is not installed on %2; trying another host or fallback model.</source>
        <translation>Le modèle «&#xa0;%1&#xa0;» n&apos;est pas installé sur %2&#xa0;; essai d&apos;un autre hôte ou d&apos;un modèle de secours.</translation>
    </message>
    <message>
        <source>Ollama host %1 failed (%2); trying another host.</source>
        <translation>L&apos;hôte Ollama %1 a échoué (%2)&#xa0;; essai d&apos;un autre hôte.</translation>
    </message>
    <message>
        <source>Stopped by the user.</source>
        <translation>Arrêté par l&apos;utilisateur.</translation>
    </message>
    <message>
        <source>Fetching manifest</source>
        <translation>Récupération du manifeste</translation>
    </message>
    <message>
        <source>Writing manifest</source>
        <translation>Écriture du manifeste</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>reste %1</translation>
    </message>
    <message>
        <source>%1 %2% (%3)</source>
        <translation>%1 %2&#xa0;% (%3)</translation>
    </message>
    <message>
        <source>The model read only %1 prompt tokens where about %2 were expected: Ollama probably dropped the oldest messages to fit its context window. Raise num_ctx or shorten the conversation.</source>
        <extracomment>%1 and %2 are numbers of tokens; num_ctx is an option name (not translated)</extracomment>
        <translation>Le modèle n&apos;a lu que %1 jetons de prompt alors qu&apos;environ %2 étaient attendus&#xa0;: Ollama a probablement supprimé les messages les plus anciens pour tenir dans sa fenêtre de contexte. Augmentez num_ctx ou raccourcissez la conversation.</translation>
    </message>
    <message>
        <source>The prompt filled the whole context window (%1 of %2 tokens): older text was probably cut. Raise num_ctx or shorten the conversation.</source>
        <extracomment>%1 and %2 are numbers of tokens; num_ctx is an option name (not translated)</extracomment>
        <translation>Le prompt a rempli toute la fenêtre de contexte (%1 jetons sur %2)&#xa0;: le texte le plus ancien a probablement été coupé. Augmentez num_ctx ou raccourcissez la conversation.</translation>
    </message>
    <message>
        <source>line %1 is not valid JSON (%2 at byte %3): %4</source>
        <translation>la ligne %1 n&apos;est pas du JSON valide (%2 à l&apos;octet %3)&#xa0;: %4</translation>
    </message>
    <message>
        <source>line %1 is JSON but not an object: %2</source>
        <extracomment>Why a streamed reply could not be read: %1 is a line number, %2 the start of the line</extracomment>
        <translation>la ligne %1 est du JSON mais pas un objet&#xa0;: %2</translation>
    </message>
    <message>
        <source>a line is longer than %1 MB; the stream is not NDJSON or is corrupt</source>
        <extracomment>Why a streamed reply could not be read: %1 is a size in megabytes; NDJSON is a format name</extracomment>
        <translation>une ligne dépasse %1 Mo&#xa0;; le flux n&apos;est pas du NDJSON ou il est corrompu</translation>
    </message>
    <message>
        <source>Ollama stopped with an error in the middle of the reply: %1</source>
        <extracomment>%1 is the error message from Ollama</extracomment>
        <translation>Ollama s&apos;est arrêté sur une erreur au milieu de la réponse&#xa0;: %1</translation>
    </message>
    <message>
        <source>Ollama at %1 sent a reply that could not be read (%2); the text received so far is kept.</source>
        <extracomment>%1 is the address of an Ollama host, %2 what was wrong with the reply</extracomment>
        <translation>Ollama à l&apos;adresse %1 a envoyé une réponse illisible (%2)&#xa0;; le texte reçu jusqu&apos;ici est conservé.</translation>
    </message>
    <message>
        <source>Could not connect to Ollama at %1 within %2 s. Check that the host is up and reachable.</source>
        <extracomment>%1 is the address of an Ollama host, %2 a number of seconds</extracomment>
        <translation>Impossible de se connecter à Ollama à l&apos;adresse %1 en moins de %2 s. Vérifiez que l&apos;hôte est en ligne et joignable.</translation>
    </message>
    <message>
        <source>Ollama at %1 did not start answering within %2 s. A large model may still be loading: try again, or raise the first-token timeout in the settings.</source>
        <extracomment>%1 is the address of an Ollama host, %2 a number of seconds</extracomment>
        <translation>Ollama à l&apos;adresse %1 n&apos;a pas commencé à répondre en moins de %2 s. Un gros modèle est peut-être encore en cours de chargement&#xa0;: réessayez, ou augmentez le délai du premier jeton dans les paramètres.</translation>
    </message>
    <message>
        <source>Ollama at %1 stopped sending in the middle of the reply (silent for %2 s); the text received so far is kept.</source>
        <extracomment>%1 is the address of an Ollama host, %2 a number of seconds</extracomment>
        <translation>Ollama à l&apos;adresse %1 a cessé d&apos;envoyer au milieu de la réponse (silencieux depuis %2 s)&#xa0;; le texte reçu jusqu&apos;ici est conservé.</translation>
    </message>
    <message>
        <source>the connection closed</source>
        <translation>la connexion a été fermée</translation>
    </message>
    <message>
        <source>The reply from Ollama at %1 ended before it was complete (%2); the text received so far is kept.</source>
        <extracomment>%1 is the address of an Ollama host, %2 why the reply ended (a network error, or &quot;the connection closed&quot;)</extracomment>
        <translation>La réponse d&apos;Ollama à l&apos;adresse %1 s&apos;est terminée avant d&apos;être complète (%2)&#xa0;; le texte reçu jusqu&apos;ici est conservé.</translation>
    </message>
    <message>
        <source>Ollama at %1 did not answer %2 within %3 s.</source>
        <extracomment>%1 is the address of an Ollama host, %2 the API path (such as /api/tags), %3 a number of seconds</extracomment>
        <translation>Ollama à l&apos;adresse %1 n&apos;a pas répondu à %2 en moins de %3 s.</translation>
    </message>
    <message>
        <source>Ollama at %1 answered %2 with something that is not JSON (%3).</source>
        <extracomment>%1 is the address of an Ollama host, %2 the API path (such as /api/tags), %3 the parse error</extracomment>
        <translation>Ollama à l&apos;adresse %1 a répondu à %2 avec autre chose que du JSON (%3).</translation>
    </message>
    <message>
        <source>Ollama is not running at %1. Start it with &quot;ollama serve&quot;, or point Roundtable at the right host with --ollama-host or OLLAMA_HOST.</source>
        <extracomment>%1 is the address of an Ollama host; &quot;ollama serve&quot;, --ollama-host and OLLAMA_HOST are not translated</extracomment>
        <translation>Ollama n&apos;est pas en cours d&apos;exécution à l&apos;adresse %1. Démarrez-le avec «&#xa0;ollama serve&#xa0;», ou indiquez à Roundtable le bon hôte avec --ollama-host ou OLLAMA_HOST.</translation>
    </message>
    <message>
        <source>The host in %1 could not be found. Check the address given with --ollama-host or OLLAMA_HOST.</source>
        <extracomment>%1 is the address of an Ollama host</extracomment>
        <translation>L&apos;hôte de %1 est introuvable. Vérifiez l&apos;adresse indiquée avec --ollama-host ou OLLAMA_HOST.</translation>
    </message>
    <message>
        <source>Ollama at %1 could not be reached (%2).</source>
        <extracomment>%1 is the address of an Ollama host, %2 the network error</extracomment>
        <translation>Ollama à l&apos;adresse %1 est injoignable (%2).</translation>
    </message>
    <message>
        <source>Ollama at %1 closed the connection before answering. It may have crashed or restarted; try again.</source>
        <extracomment>%1 is the address of an Ollama host</extracomment>
        <translation>Ollama à l&apos;adresse %1 a fermé la connexion avant de répondre. Il a peut-être planté ou redémarré&#xa0;; réessayez.</translation>
    </message>
    <message>
        <source>The secure connection to %1 failed: %2</source>
        <extracomment>%1 is the address of an Ollama host, %2 the TLS error</extracomment>
        <translation>La connexion sécurisée à %1 a échoué&#xa0;: %2</translation>
    </message>
    <message>
        <source>The request to Ollama at %1 failed: %2</source>
        <extracomment>%1 is the address of an Ollama host, %2 the network error</extracomment>
        <translation>La requête à Ollama à l&apos;adresse %1 a échoué&#xa0;: %2</translation>
    </message>
    <message>
        <source>The model &quot;%1&quot; is not installed on %2. Pull it first with &quot;ollama pull %1&quot; (or roundtable models pull %1).</source>
        <extracomment>%1 is a model name, %2 the address of an Ollama host</extracomment>
        <translation>Le modèle «&#xa0;%1&#xa0;» n&apos;est pas installé sur %2. Téléchargez-le d&apos;abord avec «&#xa0;ollama pull %1&#xa0;» (ou roundtable models pull %1).</translation>
    </message>
    <message>
        <source>Ollama at %1 answered: %2</source>
        <extracomment>%1 is the address of an Ollama host, %2 its error message</extracomment>
        <translation>Ollama à l&apos;adresse %1 a répondu&#xa0;: %2</translation>
    </message>
    <message>
        <source>The server at %1 does not offer %2. It may be an older Ollama, or not Ollama at all: update Ollama or check the address.</source>
        <extracomment>%1 is the address of a server, %2 the API path it lacks (such as /api/chat)</extracomment>
        <translation>Le serveur à l&apos;adresse %1 ne propose pas %2. Il s&apos;agit peut-être d&apos;une ancienne version d&apos;Ollama, ou pas du tout d&apos;Ollama&#xa0;: mettez Ollama à jour ou vérifiez l&apos;adresse.</translation>
    </message>
    <message>
        <source>Ollama rejected the request: %1</source>
        <extracomment>%1 is the error message from Ollama</extracomment>
        <translation>Ollama a rejeté la requête&#xa0;: %1</translation>
    </message>
    <message>
        <source>Ollama at %1 is busy and did not take the request (%2). Wait a moment and try again.</source>
        <extracomment>%1 is the address of an Ollama host, %2 its error message</extracomment>
        <translation>Ollama à l&apos;adresse %1 est occupé et n&apos;a pas accepté la requête (%2). Patientez un instant et réessayez.</translation>
    </message>
    <message>
        <source>Ollama at %1 refused the request (403: %2). Check OLLAMA_ORIGINS and the host name.</source>
        <extracomment>%1 is the address of an Ollama host, %2 its error message; OLLAMA_ORIGINS is not translated</extracomment>
        <translation>Ollama à l&apos;adresse %1 a refusé la requête (403&#xa0;: %2). Vérifiez OLLAMA_ORIGINS et le nom d&apos;hôte.</translation>
    </message>
    <message>
        <source>Ollama at %1 failed with an internal error (%2): %3</source>
        <extracomment>%1 is the address of an Ollama host, %2 the HTTP status code, %3 its error message</extracomment>
        <translation>Ollama à l&apos;adresse %1 a échoué sur une erreur interne (%2)&#xa0;: %3</translation>
    </message>
    <message>
        <source>Ollama at %1 answered with HTTP %2: %3</source>
        <extracomment>%1 is the address of an Ollama host, %2 the HTTP status code, %3 its error message</extracomment>
        <translation>Ollama à l&apos;adresse %1 a répondu avec le code HTTP %2&#xa0;: %3</translation>
    </message>
    <message>
        <source>it is empty; use a form like http://127.0.0.1:11434</source>
        <extracomment>Why an Ollama host address is not valid; it completes a sentence such as: &quot;X&quot; is not a valid Ollama host: REASON</extracomment>
        <translation>elle est vide&#xa0;; utilisez une forme comme http://127.0.0.1:11434</translation>
    </message>
    <message>
        <source>the scheme must be http or https, not %1</source>
        <extracomment>Why an Ollama host address is not valid; %1 is the scheme given (such as ftp)</extracomment>
        <translation>le schéma doit être http ou https, pas %1</translation>
    </message>
    <message>
        <source>the IPv6 address has no closing ]</source>
        <translation>l&apos;adresse IPv6 n&apos;a pas de ] fermant</translation>
    </message>
    <message>
        <source>unexpected text after the IPv6 address</source>
        <translation>texte inattendu après l&apos;adresse IPv6</translation>
    </message>
    <message>
        <source>the port after &apos;:&apos; is missing</source>
        <translation>le port après «&#xa0;:&#xa0;» est manquant</translation>
    </message>
    <message>
        <source>the host name is missing</source>
        <translation>le nom d&apos;hôte est manquant</translation>
    </message>
    <message>
        <source>the port &quot;%1&quot; is not a number from 1 to 65535</source>
        <extracomment>Why an Ollama host address is not valid; %1 is the port given</extracomment>
        <translation>le port «&#xa0;%1&#xa0;» n&apos;est pas un nombre de 1 à 65535</translation>
    </message>
    <message>
        <source>the host name has characters a host name cannot have</source>
        <translation>le nom d&apos;hôte contient des caractères interdits dans un nom d&apos;hôte</translation>
    </message>
</context>
<context>
    <name>rt::metrics</name>
    <message>
        <source>the last minute</source>
        <translation>la dernière minute</translation>
    </message>
    <message>
        <source>the last %1 minutes</source>
        <translation>les %1 dernières minutes</translation>
    </message>
    <message>
        <source>the last %1 seconds</source>
        <translation>les %1 dernières secondes</translation>
    </message>
    <message>
        <source>%1: down; checking whether it is back</source>
        <translation>%1&#xa0;: hors service&#xa0;; vérification de son retour</translation>
    </message>
    <message>
        <source>%1: not answering (circuit breaker open)</source>
        <translation>%1&#xa0;: ne répond pas (disjoncteur ouvert)</translation>
    </message>
    <message>
        <source>%1: %2 of requests failed in %3</source>
        <translation>%1&#xa0;: %2 des requêtes ont échoué sur %3</translation>
    </message>
    <message>
        <source>%1: first tokens took %2 s (p95) in %3</source>
        <translation>%1&#xa0;: premiers jetons en %2 s (p95) sur %3</translation>
    </message>
    <message>
        <source>No Ollama host is configured.</source>
        <translation>Aucun hôte Ollama n&apos;est configuré.</translation>
    </message>
    <message>
        <source>Every Ollama host is down: %1</source>
        <translation>Tous les hôtes Ollama sont hors service&#xa0;: %1</translation>
    </message>
    <message>
        <source>Ollama host %1 is answering normally.</source>
        <translation>L&apos;hôte Ollama %1 répond normalement.</translation>
    </message>
    <message>
        <source>All %1 Ollama hosts are answering normally.</source>
        <translation>Les %1 hôtes Ollama répondent tous normalement.</translation>
    </message>
</context>
<context>
    <name>rt::server</name>
    <message>
        <source>TLS is not available on this system (no TLS backend for Qt).</source>
        <translation>TLS n&apos;est pas disponible sur ce système (aucun backend TLS pour Qt).</translation>
    </message>
    <message>
        <source>Cannot read the certificate %1: %2.</source>
        <translation>Impossible de lire le certificat %1&#xa0;: %2.</translation>
    </message>
    <message>
        <source>Cannot read the private key %1: %2.</source>
        <translation>Impossible de lire la clé privée %1&#xa0;: %2.</translation>
    </message>
    <message>
        <source>%1 holds no PEM certificate.</source>
        <translation>%1 ne contient aucun certificat PEM.</translation>
    </message>
    <message>
        <source>%1 holds no unencrypted PEM private key (RSA or EC).</source>
        <translation>%1 ne contient aucune clé privée PEM non chiffrée (RSA ou EC).</translation>
    </message>
    <message>
        <source>Cannot listen on %1 port %2: %3. Choose another port or stop what uses it.</source>
        <translation>Impossible d&apos;écouter sur %1 port %2&#xa0;: %3. Choisissez un autre port ou arrêtez ce qui l&apos;utilise.</translation>
    </message>
    <message>
        <source>This server has no viewers.</source>
        <translation>Ce serveur n&apos;accepte pas de spectateurs.</translation>
    </message>
    <message>
        <source>/ws is for WebSocket viewers: open the viewer page instead.</source>
        <translation>/ws est réservé aux spectateurs WebSocket&#xa0;: ouvrez plutôt la page spectateur.</translation>
    </message>
    <message>
        <source>Only GET is allowed on %1.</source>
        <translation>Seule la méthode GET est autorisée sur %1.</translation>
    </message>
    <message>
        <source>The viewer page is not part of this build.</source>
        <translation>La page spectateur ne fait pas partie de cette version.</translation>
    </message>
    <message>
        <source>A valid bearer token is required: send “Authorization: Bearer TOKEN” with the token shown in Settings or printed by roundtable serve.</source>
        <translation>Un jeton d&apos;accès valide est requis&#xa0;: envoyez «&#xa0;Authorization: Bearer TOKEN&#xa0;» avec le jeton affiché dans les Paramètres ou par roundtable serve.</translation>
    </message>
    <message>
        <source>Send the bearer token for hosts and figures.</source>
        <translation>Envoyez le jeton d&apos;accès pour obtenir les hôtes et les chiffres.</translation>
    </message>
    <message>
        <source>Nothing here: %1. Try /metrics, /health or / (the viewer page).</source>
        <translation>Rien ici&#xa0;: %1. Essayez /metrics, /health ou / (la page spectateur).</translation>
    </message>
</context>
<context>
    <name>rt::server::MetricsService</name>
    <message>
        <source>The address to listen on is not valid.</source>
        <translation>L&apos;adresse d&apos;écoute n&apos;est pas valide.</translation>
    </message>
</context>
<context>
    <name>rt::server::RemoteTable</name>
    <message>
        <source>Not connected.</source>
        <translation>Non connecté.</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connexion à %1…</translation>
    </message>
    <message>
        <source>%1 Trying again in %2 s.</source>
        <translation>%1 Nouvel essai dans %2 s.</translation>
    </message>
    <message>
        <source>The viewer link&apos;s token is not valid (it changes at every server start): ask for a new link.</source>
        <translation>Le jeton d&apos;accès du lien spectateur n&apos;est pas valide (il change à chaque démarrage du serveur)&#xa0;: demandez un nouveau lien.</translation>
    </message>
    <message>
        <source>The table refused this viewer: %1.</source>
        <translation>La table a refusé ce spectateur&#xa0;: %1.</translation>
    </message>
    <message>
        <source>The connection to %1 was lost.</source>
        <translation>La connexion à %1 a été perdue.</translation>
    </message>
    <message>
        <source>Cannot reach %1 (%2).</source>
        <translation>Impossible de joindre %1 (%2).</translation>
    </message>
    <message>
        <source>The table speaks protocol version %1; this Roundtable knows version %2. Update one of them.</source>
        <translation>La table utilise la version %1 du protocole&#xa0;; ce Roundtable connaît la version %2. Mettez l&apos;un des deux à jour.</translation>
    </message>
    <message>
        <source>Watching %1 (read-only).</source>
        <translation>Suivi de %1 (lecture seule).</translation>
    </message>
    <message>
        <source>Some events were missed.</source>
        <translation>Des événements ont été manqués.</translation>
    </message>
</context>
<context>
    <name>rt::server::ViewerHub</name>
    <message>
        <source>Too many wrong tokens from your address; try again in a minute.</source>
        <translation>Trop de jetons d&apos;accès erronés depuis votre adresse&#xa0;; réessayez dans une minute.</translation>
    </message>
    <message>
        <source>Too many connections from your address; try again in a minute.</source>
        <translation>Trop de connexions depuis votre adresse&#xa0;; réessayez dans une minute.</translation>
    </message>
    <message>
        <source>Viewers connect to /ws.</source>
        <translation>Les spectateurs se connectent à /ws.</translation>
    </message>
    <message>
        <source>This page may not watch: its origin %1 is not this server.</source>
        <translation>Cette page n&apos;est pas autorisée à suivre la table&#xa0;: son origine %1 n&apos;est pas ce serveur.</translation>
    </message>
    <message numerus="yes">
        <source>The table is full: %n viewer(s) are watching already.</source>
        <translation>
            <numerusform>La table est complète&#xa0;: %n spectateur la suit déjà.</numerusform>
            <numerusform>La table est complète&#xa0;: %n spectateurs la suivent déjà.</numerusform>
        </translation>
    </message>
    <message>
        <source>Viewers are read-only: nothing sent here changes the table.</source>
        <translation>Les spectateurs sont en lecture seule&#xa0;: rien de ce qui est envoyé ici ne modifie la table.</translation>
    </message>
</context>
<context>
    <name>rt::storage</name>
    <message>
        <source>There is no agent with id %1.</source>
        <translation>Il n&apos;existe aucun agent avec l&apos;ID %1.</translation>
    </message>
    <message>
        <source>%1 — the file does not exist yet; Roundtable creates it on first use.</source>
        <translation>%1 — le fichier n&apos;existe pas encore&#xa0;; Roundtable le créera à la première utilisation.</translation>
    </message>
    <message>
        <source>%1 — empty database; Roundtable sets it up on first use.</source>
        <translation>%1 — base de données vide&#xa0;; Roundtable la configurera à la première utilisation.</translation>
    </message>
    <message>
        <source>%1 — written by a newer Roundtable (schema %2, this one knows %3); it would be refused.</source>
        <translation>%1 — écrite par une version plus récente de Roundtable (schéma %2, celle-ci connaît le %3)&#xa0;; elle serait refusée.</translation>
    </message>
    <message numerus="yes">
        <source>%1 — %n conversation(s), </source>
        <translation>
            <numerusform>%1 — %n conversation, </numerusform>
            <numerusform>%1 — %n conversations, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n debate(s).</source>
        <translation>
            <numerusform>%n débat.</numerusform>
            <numerusform>%n débats.</numerusform>
        </translation>
    </message>
    <message>
        <source>The folder %1 does not exist and cannot be created.</source>
        <translation>Le dossier %1 n&apos;existe pas et ne peut pas être créé.</translation>
    </message>
    <message>
        <source>The folder %1 is not writable.</source>
        <translation>Le dossier %1 n&apos;est pas accessible en écriture.</translation>
    </message>
    <message>
        <source>%1 is a folder, not a database file.</source>
        <translation>%1 est un dossier, pas un fichier de base de données.</translation>
    </message>
    <message>
        <source>There is no conversation with id %1. Run &apos;roundtable history list&apos; to see the ids.</source>
        <translation>Il n&apos;existe aucune conversation avec l&apos;ID %1. Lancez «&#xa0;roundtable history list&#xa0;» pour voir les ID.</translation>
    </message>
    <message>
        <source>The Qt database driver %1 is not installed. Install the package libqt6sql6-%2 and try again.</source>
        <translation>Le pilote de base de données Qt %1 n&apos;est pas installé. Installez le paquet libqt6sql6-%2 et réessayez.</translation>
    </message>
    <message>
        <source>Cannot open the database %1: it is a folder or a device, not a file. Choose a file path with --db.</source>
        <translation>Impossible d&apos;ouvrir la base de données %1&#xa0;: c&apos;est un dossier ou un périphérique, pas un fichier. Choisissez un chemin de fichier avec --db.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the database. Check its permissions or choose another location with --db or ROUNDTABLE_DB.</source>
        <translation>Impossible de créer le dossier %1 pour la base de données. Vérifiez ses permissions ou choisissez un autre emplacement avec --db ou ROUNDTABLE_DB.</translation>
    </message>
    <message>
        <source>There is no database at %1 yet. Check the path, or run roundtable once to create it.</source>
        <translation>Il n&apos;y a pas encore de base de données dans %1. Vérifiez le chemin, ou lancez roundtable une fois pour la créer.</translation>
    </message>
    <message>
        <source>Opening the database %1</source>
        <translation>Ouverture de la base de données %1</translation>
    </message>
    <message>
        <source>Cannot connect to PostgreSQL at %1: %2. Check that the server is running and that the URL, user and password are right.</source>
        <translation>Impossible de se connecter à PostgreSQL à l&apos;adresse %1&#xa0;: %2. Vérifiez que le serveur est en cours d&apos;exécution et que l&apos;URL, l&apos;utilisateur et le mot de passe sont corrects.</translation>
    </message>
    <message>
        <source>Preparing a statement</source>
        <translation>Préparation d&apos;une instruction</translation>
    </message>
    <message>
        <source>A database statement</source>
        <translation>Instruction de base de données</translation>
    </message>
    <message>
        <source>The database did not return the id of the new row.</source>
        <translation>La base de données n&apos;a pas renvoyé l&apos;ID de la nouvelle ligne.</translation>
    </message>
    <message>
        <source>Commit without a transaction (a bug in Roundtable).</source>
        <translation>Validation (commit) sans transaction (un bogue de Roundtable).</translation>
    </message>
    <message>
        <source>The database %1 is locked by another program (perhaps another Roundtable window or command). Close it or wait for it to finish, then try again.</source>
        <translation>La base de données %1 est verrouillée par un autre programme (peut-être une autre fenêtre ou commande Roundtable). Fermez-le ou attendez qu&apos;il se termine, puis réessayez.</translation>
    </message>
    <message>
        <source>The file %1 is not a Roundtable database, or it is damaged. Choose another file with --db, or restore a backup.</source>
        <translation>Le fichier %1 n&apos;est pas une base de données Roundtable, ou il est endommagé. Choisissez un autre fichier avec --db, ou restaurez une sauvegarde.</translation>
    </message>
    <message>
        <source>The database %1 is damaged (%2). Run &apos;roundtable db check&apos;, and restore a backup if it reports problems.</source>
        <translation>La base de données %1 est endommagée (%2). Lancez «&#xa0;roundtable db check&#xa0;», et restaurez une sauvegarde s&apos;il signale des problèmes.</translation>
    </message>
    <message>
        <source>Cannot open the database %1: the file or its folder is missing or not writable. Check the permissions, or choose another location with --db or ROUNDTABLE_DB.</source>
        <translation>Impossible d&apos;ouvrir la base de données %1&#xa0;: le fichier ou son dossier est absent ou n&apos;est pas accessible en écriture. Vérifiez les permissions, ou choisissez un autre emplacement avec --db ou ROUNDTABLE_DB.</translation>
    </message>
    <message>
        <source>Cannot write to the database %1: it or its folder is read-only. Check the permissions, or choose another location with --db.</source>
        <translation>Impossible d&apos;écrire dans la base de données %1&#xa0;: elle ou son dossier est en lecture seule. Vérifiez les permissions, ou choisissez un autre emplacement avec --db.</translation>
    </message>
    <message>
        <source>The disk holding %1 is full. Free some space and try again.</source>
        <translation>Le disque contenant %1 est plein. Libérez de l&apos;espace et réessayez.</translation>
    </message>
    <message>
        <source>%1 failed: an entry with the same name or key already exists.</source>
        <translation>%1&#xa0;: échec, une entrée portant le même nom ou la même clé existe déjà.</translation>
    </message>
    <message>
        <source>%1 failed: the data was rejected as invalid (%2).</source>
        <translation>%1&#xa0;: échec, les données ont été refusées car non valides (%2).</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1&#xa0;: échec — %2</translation>
    </message>
    <message>
        <source>The PostgreSQL server&apos;s disk is full. Ask its administrator to free space.</source>
        <translation>Le disque du serveur PostgreSQL est plein. Demandez à son administrateur de libérer de l&apos;espace.</translation>
    </message>
    <message>
        <source>The connection to PostgreSQL at %1 was lost. Roundtable keeps unsaved changes and reconnects automatically.</source>
        <translation>La connexion à PostgreSQL à l&apos;adresse %1 a été perdue. Roundtable conserve les modifications non enregistrées et se reconnecte automatiquement.</translation>
    </message>
    <message>
        <source>No database given. Pass a SQLite file path or a postgresql:// URL.</source>
        <translation>Aucune base de données indiquée. Indiquez un chemin de fichier SQLite ou une URL postgresql://.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid PostgreSQL URL. Use postgresql://user:password@host:port/database.</source>
        <translation>«&#xa0;%1&#xa0;» n&apos;est pas une URL PostgreSQL valide. Utilisez postgresql://user:password@host:port/database.</translation>
    </message>
    <message>
        <source>Unsupported database URL &quot;%1&quot;. Use a SQLite file path or postgresql://user:password@host:port/database.</source>
        <translation>URL de base de données non prise en charge&#xa0;: «&#xa0;%1&#xa0;». Utilisez un chemin de fichier SQLite ou postgresql://user:password@host:port/database.</translation>
    </message>
    <message>
        <source>Debate turn %1 is already %2, so its text cannot change any more.</source>
        <translation>L&apos;intervention %1 du débat a déjà le statut %2&#xa0;: son texte ne peut plus changer.</translation>
    </message>
    <message>
        <source>Row %1 of table %2 points to a missing row in %3.</source>
        <translation>La ligne %1 de la table %2 pointe vers une ligne absente de %3.</translation>
    </message>
    <message>
        <source>The search index %1 is out of step with its table: %2</source>
        <translation>L&apos;index de recherche %1 n&apos;est plus synchronisé avec sa table&#xa0;: %2</translation>
    </message>
    <message>
        <source>The table %1 is missing.</source>
        <translation>La table %1 est absente.</translation>
    </message>
    <message>
        <source>The constraint %2 on %1 is not validated.</source>
        <translation>La contrainte %2 sur %1 n&apos;est pas validée.</translation>
    </message>
    <message>
        <source>Backups of a PostgreSQL database are made with the server&apos;s tools, for example: pg_dump -Fc -f roundtable.dump %1</source>
        <translation>Les sauvegardes d&apos;une base de données PostgreSQL se font avec les outils du serveur, par exemple&#xa0;: pg_dump -Fc -f roundtable.dump %1</translation>
    </message>
    <message>
        <source>The backup file %1 already exists. Choose a new file name, or delete the old backup first.</source>
        <translation>Le fichier de sauvegarde %1 existe déjà. Choisissez un nouveau nom de fichier, ou supprimez d&apos;abord l&apos;ancienne sauvegarde.</translation>
    </message>
    <message>
        <source>The folder %1 does not exist. Create it or choose another place for the backup.</source>
        <translation>Le dossier %1 n&apos;existe pas. Créez-le ou choisissez un autre emplacement pour la sauvegarde.</translation>
    </message>
    <message>
        <source>A backup cannot run inside a transaction (a bug in Roundtable).</source>
        <translation>Une sauvegarde ne peut pas s&apos;exécuter dans une transaction (un bogue de Roundtable).</translation>
    </message>
    <message>
        <source>The backup to %1 failed: %2</source>
        <translation>La sauvegarde vers %1 a échoué&#xa0;: %2</translation>
    </message>
    <message>
        <source>There is no conversation with id %1 to add the message to.</source>
        <translation>Il n&apos;existe aucune conversation avec l&apos;ID %1 à laquelle ajouter le message.</translation>
    </message>
    <message>
        <source>Message %1 is already %2, so its text cannot change any more.</source>
        <translation>Le message %1 a déjà le statut %2&#xa0;: son texte ne peut plus changer.</translation>
    </message>
    <message>
        <source>Invalid metric retention: the bucket must be positive and the kept age at least the raw age.</source>
        <translation>Conservation des métriques non valide&#xa0;: l&apos;intervalle d&apos;agrégation doit être positif et la durée de conservation au moins égale à celle des données brutes.</translation>
    </message>
    <message>
        <source>The database %1 was created by a newer version of Roundtable (schema %2; this version knows up to %3). It was left untouched. Update Roundtable, or use another database with --db.</source>
        <translation>La base de données %1 a été créée par une version plus récente de Roundtable (schéma %2&#xa0;; cette version connaît jusqu&apos;au %3). Elle n&apos;a pas été modifiée. Mettez Roundtable à jour, ou utilisez une autre base de données avec --db.</translation>
    </message>
    <message>
        <source>Updating the database schema</source>
        <translation>Mise à jour du schéma de la base de données</translation>
    </message>
    <message>
        <source>Updating the database to schema %1 (%2) failed, so nothing was changed: %3</source>
        <translation>La mise à jour de la base de données vers le schéma %1 (%2) a échoué, rien n&apos;a donc été modifié&#xa0;: %3</translation>
    </message>
    <message>
        <source>%1 failed, so nothing was changed: %2</source>
        <translation>%1&#xa0;: échec, rien n&apos;a donc été modifié&#xa0;: %2</translation>
    </message>
    <message>
        <source>The database %1 was created by a newer version of Roundtable (schema %2; this version knows up to %3). Update Roundtable, or use another database with --db.</source>
        <translation>La base de données %1 a été créée par une version plus récente de Roundtable (schéma %2&#xa0;; cette version connaît jusqu&apos;au %3). Mettez Roundtable à jour, ou utilisez une autre base de données avec --db.</translation>
    </message>
    <message>
        <source>The database %1 uses an older schema (%2) and was opened read-only, so it cannot be updated. Run Roundtable once without read-only access to update it.</source>
        <translation>La base de données %1 utilise un ancien schéma (%2) et a été ouverte en lecture seule&#xa0;: elle ne peut donc pas être mise à jour. Lancez Roundtable une fois sans accès en lecture seule pour la mettre à jour.</translation>
    </message>
    <message>
        <source>There is no task with id %1.</source>
        <translation>Il n&apos;existe aucune tâche avec l&apos;ID %1.</translation>
    </message>
    <message>
        <source>Conversation %1</source>
        <translation>Conversation %1</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>Modèle&#xa0;: %1</translation>
    </message>
    <message>
        <source>Started: %1</source>
        <translation>Début&#xa0;: %1</translation>
    </message>
    <message>
        <source>Messages: %1</source>
        <translation>Messages&#xa0;: %1</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>Prompt système</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>Statut&#xa0;: %1</translation>
    </message>
    <message>
        <source>Thinking</source>
        <translation>Réflexion</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Erreur&#xa0;: %1</translation>
    </message>
    <message>
        <source>Format: %1</source>
        <translation>Format&#xa0;: %1</translation>
    </message>
    <message>
        <source>Finished: %1</source>
        <translation>Fin&#xa0;: %1</translation>
    </message>
    <message>
        <source>Consensus: %1%</source>
        <translation>Consensus&#xa0;: %1&#xa0;%</translation>
    </message>
    <message>
        <source>Stopped because: %1</source>
        <translation>Motif de l&apos;arrêt&#xa0;: %1</translation>
    </message>
    <message>
        <source>Participants</source>
        <translation>Participants</translation>
    </message>
    <message>
        <source>Round %1</source>
        <translation>Tour %1</translation>
    </message>
    <message>
        <source>Consensus after this round: %1%</source>
        <translation>Consensus après ce tour&#xa0;: %1&#xa0;%</translation>
    </message>
    <message>
        <source>confidence %1%</source>
        <translation>confiance %1&#xa0;%</translation>
    </message>
    <message>
        <source>changed position</source>
        <translation>a changé de position</translation>
    </message>
    <message>
        <source>Synthesis</source>
        <translation>Synthèse</translation>
    </message>
    <message>
        <source>Final answer</source>
        <translation>Réponse finale</translation>
    </message>
    <message>
        <source>the JSON is malformed (%1 at byte %2)</source>
        <translation>le JSON est mal formé (%1 à l&apos;octet %2)</translation>
    </message>
    <message>
        <source>it has no &quot;format&quot;: &quot;%1&quot; field</source>
        <translation>il n&apos;a pas de champ &quot;format&quot;: &quot;%1&quot;</translation>
    </message>
    <message>
        <source>it was written by a newer Roundtable (export version %1); update Roundtable to import it</source>
        <translation>il a été écrit par une version plus récente de Roundtable (version d&apos;export %1)&#xa0;; mettez Roundtable à jour pour l&apos;importer</translation>
    </message>
    <message>
        <source>unknown kind &quot;%1&quot;</source>
        <translation>type «&#xa0;%1&#xa0;» inconnu</translation>
    </message>
    <message>
        <source>message %1 has an unknown role or status</source>
        <translation>le message %1 a un rôle ou un statut inconnu</translation>
    </message>
    <message>
        <source>the debate has an unknown status</source>
        <translation>le débat a un statut inconnu</translation>
    </message>
    <message>
        <source>turn %1 has an unknown kind or status</source>
        <translation>l&apos;intervention %1 a un type ou un statut inconnu</translation>
    </message>
    <message>
        <source>An agent named &quot;%1&quot; already exists. Choose another name.</source>
        <translation>Un agent nommé «&#xa0;%1&#xa0;» existe déjà. Choisissez un autre nom.</translation>
    </message>
    <message>
        <source>An agent needs a name.</source>
        <translation>Un agent doit avoir un nom.</translation>
    </message>
    <message>
        <source>Row %1 of table %2 has %3 “%4”, which this version of Roundtable does not know. A newer version may have written it: update Roundtable, or correct that row.</source>
        <translation>La ligne %1 de la table %2 a pour %3 «&#xa0;%4&#xa0;», une valeur que cette version de Roundtable ne connaît pas. Une version plus récente l&apos;a peut-être écrite&#xa0;: mettez Roundtable à jour, ou corrigez cette ligne.</translation>
    </message>
    <message>
        <source>There is no debate with id %1. Run &apos;roundtable history list&apos; to see the ids.</source>
        <translation>Il n&apos;existe aucun débat avec l&apos;ID %1. Lancez «&#xa0;roundtable history list&#xa0;» pour voir les ID.</translation>
    </message>
    <message>
        <source>There is no debate turn with id %1.</source>
        <translation>Il n&apos;existe aucune intervention de débat avec l&apos;ID %1.</translation>
    </message>
    <message>
        <source>There is no message with id %1.</source>
        <translation>Il n&apos;existe aucun message avec l&apos;ID %1.</translation>
    </message>
    <message>
        <source>This is not a Roundtable export that can be imported: %1</source>
        <translation>Ce n&apos;est pas un export Roundtable importable&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>rt::storage::Storage</name>
    <message>
        <source>The database is already open.</source>
        <translation>La base de données est déjà ouverte.</translation>
    </message>
    <message>
        <source>The database is not open. Call Storage::open() first (a bug in Roundtable).</source>
        <translation>La base de données n&apos;est pas ouverte. Appelez d&apos;abord Storage::open() (un bogue de Roundtable).</translation>
    </message>
</context>
<context>
    <name>rt::storage::StorageWorker</name>
    <message>
        <source>The database is not open yet.</source>
        <translation>La base de données n&apos;est pas encore ouverte.</translation>
    </message>
    <message>
        <source>The database server at %1 is unreachable; Roundtable is reconnecting. Try again in a moment.</source>
        <translation>Le serveur de base de données à l&apos;adresse %1 est injoignable&#xa0;; Roundtable se reconnecte. Réessayez dans un instant.</translation>
    </message>
    <message>
        <source>Too many changes are waiting for the database server at %1; this one was not saved. Check the connection.</source>
        <translation>Trop de modifications attendent le serveur de base de données à l&apos;adresse %1&#xa0;; celle-ci n&apos;a pas été enregistrée. Vérifiez la connexion.</translation>
    </message>
    <message>
        <source>The database connection failed.</source>
        <translation>La connexion à la base de données a échoué.</translation>
    </message>
    <message>
        <source>Lost the connection to the database server at %1. Unsaved changes are kept and Roundtable is reconnecting.</source>
        <translation>Connexion perdue avec le serveur de base de données à l&apos;adresse %1. Les modifications non enregistrées sont conservées et Roundtable se reconnecte.</translation>
    </message>
    <message>
        <source>Roundtable closed while the database server at %1 was unreachable; this change was not saved.</source>
        <translation>Roundtable a été fermé alors que le serveur de base de données à l&apos;adresse %1 était injoignable&#xa0;; cette modification n&apos;a pas été enregistrée.</translation>
    </message>
</context>
<context>
    <name>rt::tasks</name>
    <message>
        <source>The task failed.</source>
        <translation>La tâche a échoué.</translation>
    </message>
    <message>
        <source>Pull %1</source>
        <translation>Téléchargement de %1</translation>
    </message>
    <message>
        <source>The model catalog is gone; try the pull again.</source>
        <translation>Le catalogue des modèles n&apos;est plus disponible&#xa0;; relancez le téléchargement.</translation>
    </message>
    <message>
        <source>There is no Ollama host named “%1”; check the hosts in the settings.</source>
        <translation>Il n&apos;existe aucun hôte Ollama nommé «&#xa0;%1&#xa0;»&#xa0;; vérifiez les hôtes dans les paramètres.</translation>
    </message>
    <message>
        <source>The task “%1” has already finished.</source>
        <translation>La tâche «&#xa0;%1&#xa0;» est déjà terminée.</translation>
    </message>
    <message>
        <source>Roundtable was closed while this task was running.</source>
        <translation>Roundtable a été fermé pendant l&apos;exécution de cette tâche.</translation>
    </message>
    <message>
        <source>Roundtable was closed before this task started.</source>
        <translation>Roundtable a été fermé avant le démarrage de cette tâche.</translation>
    </message>
    <message>
        <source>Roundtable stopped unexpectedly while this task was running.</source>
        <translation>Roundtable s&apos;est arrêté de manière inattendue pendant l&apos;exécution de cette tâche.</translation>
    </message>
    <message>
        <source>Roundtable stopped unexpectedly before this task started.</source>
        <translation>Roundtable s&apos;est arrêté de manière inattendue avant le démarrage de cette tâche.</translation>
    </message>
    <message>
        <source>The task “%1” has nothing to run.</source>
        <translation>La tâche «&#xa0;%1&#xa0;» n&apos;a rien à exécuter.</translation>
    </message>
    <message>
        <source>The task “%1” has no kind.</source>
        <translation>La tâche «&#xa0;%1&#xa0;» n&apos;a pas de type.</translation>
    </message>
    <message>
        <source>The task “%1” was dropped before it started.</source>
        <translation>La tâche «&#xa0;%1&#xa0;» a été abandonnée avant de démarrer.</translation>
    </message>
    <message>
        <source>There is no task %1.</source>
        <translation>Il n&apos;existe aucune tâche %1.</translation>
    </message>
    <message>
        <source>Dismissed after an interruption.</source>
        <translation>Abandonnée après une interruption.</translation>
    </message>
    <message>
        <source>The task “%1” runs in another Roundtable process; pause it there.</source>
        <translation>La tâche «&#xa0;%1&#xa0;» s&apos;exécute dans un autre processus Roundtable&#xa0;; mettez-la en pause depuis celui-ci.</translation>
    </message>
    <message>
        <source>Only a running task can be paused.</source>
        <translation>Seule une tâche en cours peut être mise en pause.</translation>
    </message>
    <message>
        <source>The task “%1” cannot be paused; cancel it instead.</source>
        <translation>La tâche «&#xa0;%1&#xa0;» ne peut pas être mise en pause&#xa0;; annulez-la plutôt.</translation>
    </message>
    <message>
        <source>The task “%1” is %2 in another Roundtable process (pid %3).</source>
        <translation>La tâche «&#xa0;%1&#xa0;» a le statut %2 dans un autre processus Roundtable (pid %3).</translation>
    </message>
    <message>
        <source>The task “%1” is %2 and cannot be resumed.</source>
        <translation>La tâche «&#xa0;%1&#xa0;» a le statut %2 et ne peut pas être reprise.</translation>
    </message>
    <message>
        <source>Tasks of kind “%1” cannot be resumed in this version; start them again.</source>
        <translation>Les tâches de type «&#xa0;%1&#xa0;» ne peuvent pas être reprises dans cette version&#xa0;; relancez-les.</translation>
    </message>
    <message>
        <source>The task “%1” cannot be resumed: what it needs is gone.</source>
        <translation>La tâche «&#xa0;%1&#xa0;» ne peut pas être reprise&#xa0;: ce dont elle a besoin n&apos;existe plus.</translation>
    </message>
</context>
<context>
    <name>rt::ui::AgentEditor</name>
    <message>
        <source>Built-in</source>
        <translation>Intégré</translation>
    </message>
    <message>
        <source>Shipped with Roundtable: it can be edited, duplicated and reset to its default, but not deleted.</source>
        <translation>Fourni avec Roundtable&#xa0;: il peut être modifié, dupliqué et réinitialisé, mais pas supprimé.</translation>
    </message>
    <message>
        <source>Try This Agent</source>
        <translation>Essayer cet agent</translation>
    </message>
    <message>
        <source>Open a new chat with this agent&apos;s role prompt and model (changes are saved first)</source>
        <translation>Ouvrir une nouvelle discussion avec le prompt de rôle et le modèle de cet agent (les modifications sont d&apos;abord enregistrées)</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Dupliquer</translation>
    </message>
    <message>
        <source>Make a copy to change freely (Ctrl+D)</source>
        <translation>Faire une copie à modifier librement (Ctrl+D)</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <source>Save this agent to a JSON file that can be imported elsewhere</source>
        <translation>Enregistrer cet agent dans un fichier JSON importable ailleurs</translation>
    </message>
    <message>
        <source>Reset to Default</source>
        <translation>Réinitialiser</translation>
    </message>
    <message>
        <source>Restore this built-in agent as shipped; you can undo it for a few seconds</source>
        <translation>Rétablir cet agent intégré tel qu&apos;il a été fourni&#xa0;; annulable pendant quelques secondes</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Delete this agent; you can undo it for a few seconds</source>
        <translation>Supprimer cet agent&#xa0;; annulable pendant quelques secondes</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>A short, unique name</source>
        <translation>Un nom court et unique</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>One line: what this agent does at the table</source>
        <translation>Une ligne&#xa0;: ce que fait cet agent à la table</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Custom role</source>
        <translation>Rôle personnalisé</translation>
    </message>
    <message>
        <source>The debate role this agent plays; a built-in agent keeps its own role</source>
        <translation>Le rôle que joue cet agent dans le débat&#xa0;; un agent intégré garde son propre rôle</translation>
    </message>
    <message>
        <source>Avatar</source>
        <translation>Avatar</translation>
    </message>
    <message>
        <source>Emoji</source>
        <translation>Émoji</translation>
    </message>
    <message>
        <source>An emoji drawn in the agent&apos;s circle; empty shows the first letter of the name</source>
        <translation>Un émoji affiché dans le cercle de l&apos;agent&#xa0;; vide, la première lettre du nom s&apos;affiche</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Couleur</translation>
    </message>
    <message>
        <source>Pick a colour</source>
        <translation>Choisir une couleur</translation>
    </message>
    <message>
        <source>Vote weight</source>
        <translation>Poids du vote</translation>
    </message>
    <message>
        <source>How much this agent&apos;s stance counts in the consensus (1 = like everyone else, 0 = not at all)</source>
        <translation>Poids de la position de cet agent dans le consensus (1 = comme les autres, 0 = aucun)</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>The debate&apos;s default model</source>
        <translation>Modèle par défaut du débat</translation>
    </message>
    <message>
        <source>The model that voices this agent: pick an installed one or type any name (empty: the debate&apos;s default)</source>
        <translation>Le modèle qui fait parler cet agent&#xa0;: choisissez un modèle installé ou saisissez un nom (vide&#xa0;: modèle par défaut du débat)</translation>
    </message>
    <message>
        <source>Fallback models</source>
        <translation>Modèles de secours</translation>
    </message>
    <message>
        <source>Comma-separated, e.g. qwen3:0.6b, gemma3:1b</source>
        <translation>Séparés par des virgules, p. ex. qwen3:0.6b, gemma3:1b</translation>
    </message>
    <message>
        <source>Tried in order when the model is missing or failing</source>
        <translation>Essayés dans l&apos;ordre quand le modèle est absent ou en échec</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Température</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>Par défaut</translation>
    </message>
    <message>
        <source>0 = focused and repeatable, 2 = very varied; Default leaves it to the model</source>
        <translation>0 = ciblé et reproductible, 2 = très varié&#xa0;; Par défaut laisse le choix au modèle</translation>
    </message>
    <message>
        <source>Top P</source>
        <translation>Top P</translation>
    </message>
    <message>
        <source>Nucleus sampling (top_p), 0 to 1; Default leaves it to the model</source>
        <translation>Échantillonnage par noyau (top_p), de 0 à 1&#xa0;; Par défaut laisse le choix au modèle</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>Longueur du contexte</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> jetons</translation>
    </message>
    <message>
        <source>num_ctx: how much text the model keeps in view; Default is the server&apos;s (often 4,096)</source>
        <translation>num_ctx&#xa0;: quantité de texte que le modèle garde en vue&#xa0;; Par défaut, celle du serveur (souvent 4&#xa0;096)</translation>
    </message>
    <message>
        <source>Maximum tokens per reply</source>
        <translation>Nombre maximal de jetons par réponse</translation>
    </message>
    <message>
        <source>num_predict: the longest reply in tokens; -1 = no limit, -2 = fill the context</source>
        <translation>num_predict&#xa0;: réponse la plus longue, en jetons&#xa0;; -1 = sans limite, -2 = remplir le contexte</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Graine</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>Aléatoire</translation>
    </message>
    <message>
        <source>A fixed seed makes replies repeatable; Random is the default</source>
        <translation>Une graine fixe rend les réponses reproductibles&#xa0;; Aléatoire est la valeur par défaut</translation>
    </message>
    <message>
        <source>Role prompt</source>
        <translation>Prompt de rôle</translation>
    </message>
    <message>
        <source>How this agent thinks and speaks: its role, what it looks for, how it ends a turn.</source>
        <translation>Comment cet agent pense et s&apos;exprime&#xa0;: son rôle, ce qu&apos;il cherche, comment il termine une intervention.</translation>
    </message>
    <message>
        <source>Monospace</source>
        <translation>Chasse fixe</translation>
    </message>
    <message>
        <source>Show the role prompt in a fixed-width font</source>
        <translation>Afficher le prompt de rôle dans une police à chasse fixe</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Nom</translation>
    </message>
    <message>
        <source>&amp;Description</source>
        <translation>&amp;Description</translation>
    </message>
    <message>
        <source>&amp;Role</source>
        <translation>&amp;Rôle</translation>
    </message>
    <message>
        <source>&amp;Avatar</source>
        <translation>&amp;Avatar</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Modèle</translation>
    </message>
    <message>
        <source>&amp;Fallbacks</source>
        <translation>&amp;Secours</translation>
    </message>
    <message>
        <source>&amp;Temperature</source>
        <translation>&amp;Température</translation>
    </message>
    <message>
        <source>Top &amp;P</source>
        <translation>Top &amp;P</translation>
    </message>
    <message>
        <source>&amp;Context</source>
        <translation>&amp;Contexte</translation>
    </message>
    <message>
        <source>Ma&amp;x tokens</source>
        <translation>Jetons ma&amp;x</translation>
    </message>
    <message>
        <source>S&amp;eed</source>
        <translation>&amp;Graine</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>Options</translation>
    </message>
    <message>
        <source>Identity</source>
        <translation>Identité</translation>
    </message>
    <message>
        <source>Role &amp;prompt</source>
        <translation>Pr&amp;ompt de rôle</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Annuler les modifications</translation>
    </message>
    <message>
        <source>Put the fields back as saved</source>
        <translation>Remettre les champs tels qu&apos;ils ont été enregistrés</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <source>Save the changes (Ctrl+S); leaving the agent saves them too</source>
        <translation>Enregistrer les modifications (Ctrl+S)&#xa0;; quitter l&apos;agent les enregistre aussi</translation>
    </message>
    <message>
        <source>Other Colour…</source>
        <translation>Autre couleur…</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Non enregistré&#xa0;: %1</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(sans nom)</translation>
    </message>
    <message>
        <source>About %1 tokens · %2 characters</source>
        <translation>Environ %1 jetons · %2 caractères</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Enregistrement…</translation>
    </message>
    <message>
        <source>All changes saved.</source>
        <translation>Toutes les modifications sont enregistrées.</translation>
    </message>
    <message>
        <source>Fix what is marked above to save, or Revert.</source>
        <translation>Corrigez ce qui est signalé ci-dessus pour enregistrer, ou annulez les modifications.</translation>
    </message>
    <message>
        <source>Unsaved changes. Save with Ctrl+S; leaving this agent saves them too.</source>
        <translation>Modifications non enregistrées. Enregistrez avec Ctrl+S&#xa0;; quitter cet agent les enregistre aussi.</translation>
    </message>
    <message>
        <source>Agent Colour</source>
        <translation>Couleur de l&apos;agent</translation>
    </message>
</context>
<context>
    <name>rt::ui::AgentListModel</name>
    <message>
        <source>Custom role</source>
        <translation>Rôle personnalisé</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <source>%1, built-in, %2</source>
        <translation>%1, intégré, %2</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>default model</source>
        <translation>modèle par défaut</translation>
    </message>
    <message>
        <source>BUILT-IN</source>
        <translation>INTÉGRÉ</translation>
    </message>
    <message>
        <source>Moderator</source>
        <translation>Modérateur</translation>
    </message>
    <message>
        <source>Proponent</source>
        <translation>Défenseur</translation>
    </message>
    <message>
        <source>Opponent</source>
        <translation>Opposant</translation>
    </message>
    <message>
        <source>Skeptic</source>
        <translation>Sceptique</translation>
    </message>
    <message>
        <source>Expert</source>
        <translation>Expert</translation>
    </message>
    <message>
        <source>Ethicist</source>
        <translation>Éthicien</translation>
    </message>
    <message>
        <source>Pragmatist</source>
        <translation>Pragmatique</translation>
    </message>
    <message>
        <source>Synthesizer</source>
        <translation>Synthétiseur</translation>
    </message>
    <message>
        <source>Judge</source>
        <translation>Juge</translation>
    </message>
</context>
<context>
    <name>rt::ui::AgentsPage</name>
    <message>
        <source>Agents</source>
        <translation>Agents</translation>
    </message>
    <message>
        <source>Search agents</source>
        <translation>Rechercher des agents</translation>
    </message>
    <message>
        <source>Search name, role, model… (Ctrl+F)</source>
        <translation>Rechercher par nom, rôle, modèle… (Ctrl+F)</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>New Agent</source>
        <translation>Nouvel agent</translation>
    </message>
    <message>
        <source>Create an agent with a role prompt of your own</source>
        <translation>Créer un agent avec votre propre prompt de rôle</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importer…</translation>
    </message>
    <message>
        <source>Add agents from a JSON file (all or nothing)</source>
        <translation>Ajouter des agents depuis un fichier JSON (tout ou rien)</translation>
    </message>
    <message>
        <source>Export All…</source>
        <translation>Tout exporter…</translation>
    </message>
    <message>
        <source>Save every agent to a JSON file</source>
        <translation>Enregistrer tous les agents dans un fichier JSON</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Loading the agents…</source>
        <translation>Chargement des agents…</translation>
    </message>
    <message>
        <source>Save Agent</source>
        <translation>Enregistrer l&apos;agent</translation>
    </message>
    <message>
        <source>Search Agents</source>
        <translation>Rechercher des agents</translation>
    </message>
    <message>
        <source>Duplicate Agent</source>
        <translation>Dupliquer l&apos;agent</translation>
    </message>
    <message>
        <source>Delete Agent</source>
        <translation>Supprimer l&apos;agent</translation>
    </message>
    <message>
        <source>“%1” has changes that cannot be saved yet: fix what is marked, or press Revert.</source>
        <translation>«&#xa0;%1&#xa0;» contient des modifications qui ne peuvent pas encore être enregistrées&#xa0;: corrigez ce qui est signalé, ou cliquez sur Annuler les modifications.</translation>
    </message>
    <message>
        <source>Changes to “%1” were not saved: %2</source>
        <translation>Les modifications de «&#xa0;%1&#xa0;» n&apos;ont pas été enregistrées&#xa0;: %2</translation>
    </message>
    <message>
        <source>“%1” deleted.</source>
        <translation>«&#xa0;%1&#xa0;» supprimé.</translation>
    </message>
    <message>
        <source>“%1” reset to its default.</source>
        <translation>«&#xa0;%1&#xa0;» réinitialisé.</translation>
    </message>
    <message>
        <source>Bring “%1” back</source>
        <translation>Restaurer «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>Put “%1” back as it was before the reset</source>
        <translation>Remettre «&#xa0;%1&#xa0;» tel qu&apos;il était avant la réinitialisation</translation>
    </message>
    <message>
        <source>“%1” could not be put back: %2</source>
        <translation>«&#xa0;%1&#xa0;» n&apos;a pas pu être restauré&#xa0;: %2</translation>
    </message>
    <message>
        <source>“%1” was not deleted: %2</source>
        <translation>«&#xa0;%1&#xa0;» n&apos;a pas été supprimé&#xa0;: %2</translation>
    </message>
    <message>
        <source>Import Agents</source>
        <translation>Importer des agents</translation>
    </message>
    <message>
        <source>Agent files (*.json);;All files (*)</source>
        <translation>Fichiers d&apos;agents (*.json);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Cannot read %1: %2.</source>
        <translation>Impossible de lire %1&#xa0;: %2.</translation>
    </message>
    <message>
        <source>%1 is too large to be an agent file (%2 MB).</source>
        <translation>%1 est trop volumineux pour être un fichier d&apos;agents (%2 Mo).</translation>
    </message>
    <message>
        <source>Import with New Names</source>
        <translation>Importer sous de nouveaux noms</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n agent(s): %1.</source>
        <translation>
            <numerusform>%n agent importé&#xa0;: %1.</numerusform>
            <numerusform>%n agents importés&#xa0;: %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <source>Export Agents</source>
        <translation>Exporter les agents</translation>
    </message>
    <message>
        <source>Agent files (*.json)</source>
        <translation>Fichiers d&apos;agents (*.json)</translation>
    </message>
    <message>
        <source>Export Agent</source>
        <translation>Exporter l&apos;agent</translation>
    </message>
    <message>
        <source>Cannot write %1: %2.</source>
        <translation>Impossible d&apos;écrire %1&#xa0;: %2.</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n agent(s) to %1.</source>
        <translation>
            <numerusform>%n agent exporté vers %1.</numerusform>
            <numerusform>%n agents exportés vers %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n agent(s)</source>
        <translation>
            <numerusform>%n agent</numerusform>
            <numerusform>%n agents</numerusform>
        </translation>
    </message>
    <message>
        <source>No database: agents are not available.</source>
        <translation>Pas de base de données&#xa0;: les agents ne sont pas disponibles.</translation>
    </message>
    <message>
        <source>No agent matches “%1”.</source>
        <translation>Aucun agent ne correspond à «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>No agents yet. Create one with New Agent or import a file.</source>
        <translation>Aucun agent pour l&apos;instant. Créez-en un avec Nouvel agent ou importez un fichier.</translation>
    </message>
    <message>
        <source>Select an agent to see and edit it.</source>
        <translation>Sélectionnez un agent pour l&apos;afficher et le modifier.</translation>
    </message>
</context>
<context>
    <name>rt::ui::ChatMessageModel</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>writing…</source>
        <translation>écriture…</translation>
    </message>
    <message>
        <source>%1 tokens/s</source>
        <translation>%1 jetons/s</translation>
    </message>
    <message>
        <source>first token %1</source>
        <translation>premier jeton en %1</translation>
    </message>
    <message>
        <source>1 token</source>
        <translation>1 jeton</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 jetons</translation>
    </message>
    <message>
        <source>Waiting for %1…</source>
        <translation>En attente de %1…</translation>
    </message>
    <message>
        <source>Loading model… %1 is being loaded into memory; the first reply can take a while.</source>
        <translation>Chargement du modèle… %1 est en cours de chargement en mémoire&#xa0;; la première réponse peut prendre un moment.</translation>
    </message>
    <message>
        <source>Ollama is busy. Trying again (attempt %1)…</source>
        <translation>Ollama est occupé. Nouvelle tentative (essai %1)…</translation>
    </message>
    <message>
        <source>Stopped. The partial reply is kept.</source>
        <translation>Arrêté. La réponse partielle est conservée.</translation>
    </message>
    <message>
        <source>The reply was cut off: %1</source>
        <translation>La réponse a été interrompue&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>rt::ui::ChatPage</name>
    <message>
        <source>Roundtable closed before the reply was finished.</source>
        <translation>Roundtable a été fermé avant la fin de la réponse.</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Discussion</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>The model that answers. Models come from Ollama&apos;s /api/tags.</source>
        <translation>Le modèle qui répond. Les modèles proviennent de /api/tags d&apos;Ollama.</translation>
    </message>
    <message>
        <source>Reload the list of models</source>
        <translation>Recharger la liste des modèles</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Partager</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <source>Send the message (Enter)</source>
        <translation>Envoyer le message (Entrée)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <source>Stop the reply; the text so far is kept (Esc)</source>
        <translation>Arrêter la réponse&#xa0;; le texte déjà écrit est conservé (Échap)</translation>
    </message>
    <message>
        <source>Enter sends · Shift+Enter adds a line · Esc stops the reply</source>
        <translation>Entrée envoie · Maj+Entrée ajoute une ligne · Échap arrête la réponse</translation>
    </message>
    <message>
        <source>Next Conversation</source>
        <translation>Conversation suivante</translation>
    </message>
    <message>
        <source>Previous Conversation</source>
        <translation>Conversation précédente</translation>
    </message>
    <message>
        <source>Loading models…</source>
        <translation>Chargement des modèles…</translation>
    </message>
    <message>
        <source>%1  (%2)</source>
        <translation>%1  (%2)</translation>
    </message>
    <message>
        <source>Family: %1</source>
        <translation>Famille&#xa0;: %1</translation>
    </message>
    <message>
        <source>Quantization: %1</source>
        <translation>Quantification&#xa0;: %1</translation>
    </message>
    <message>
        <source>Size: %1</source>
        <translation>Taille&#xa0;: %1</translation>
    </message>
    <message>
        <source>Models unavailable</source>
        <translation>Modèles indisponibles</translation>
    </message>
    <message>
        <source>No models installed</source>
        <translation>Aucun modèle installé</translation>
    </message>
    <message>
        <source>No models are installed. &lt;a href=&quot;pull:&quot;&gt;Pull one&lt;/a&gt;</source>
        <translation>Aucun modèle n&apos;est installé. &lt;a href=&quot;pull:&quot;&gt;En télécharger un&lt;/a&gt;</translation>
    </message>
    <message>
        <source>The model list did not load</source>
        <translation>La liste des modèles n&apos;a pas pu être chargée</translation>
    </message>
    <message>
        <source>%1
Press the reload button next to the model list to try again.</source>
        <translation>%1
Cliquez sur le bouton de rechargement à côté de la liste des modèles pour réessayer.</translation>
    </message>
    <message>
        <source>Download one in a terminal, for example:
ollama pull llama3.2
then press the reload button next to the model list.</source>
        <translation>Téléchargez-en un dans un terminal, par exemple&#xa0;:
ollama pull llama3.2
puis cliquez sur le bouton de rechargement à côté de la liste des modèles.</translation>
    </message>
    <message>
        <source>Chat with %1</source>
        <translation>Discuter avec %1</translation>
    </message>
    <message>
        <source>%1 answers in its role, through %2. Ask it something to see how it thinks.</source>
        <translation>%1 répond dans son rôle, via %2. Posez-lui une question pour voir comment il raisonne.</translation>
    </message>
    <message>
        <source>Replies stream in as the model writes them. Your earlier messages go with each question, so you can follow up.</source>
        <translation>Les réponses s&apos;affichent au fur et à mesure que le modèle les écrit. Vos messages précédents accompagnent chaque question&#xa0;: vous pouvez donc rebondir dessus.</translation>
    </message>
    <message>
        <source>Loading the list of models…</source>
        <translation>Chargement de la liste des modèles…</translation>
    </message>
    <message>
        <source>Message %1…</source>
        <translation>Écrire à %1…</translation>
    </message>
    <message>
        <source>Pick a model to start</source>
        <translation>Choisissez un modèle pour commencer</translation>
    </message>
    <message>
        <source>● Shared</source>
        <translation>● Partagée</translation>
    </message>
    <message>
        <source>Send a message first: a conversation is shared once it is saved.</source>
        <translation>Envoyez d&apos;abord un message&#xa0;: une conversation est partagée une fois enregistrée.</translation>
    </message>
    <message>
        <source>Viewers with the link see this conversation live. Click to stop sharing.</source>
        <translation>Les spectateurs disposant du lien voient cette conversation en direct. Cliquez pour arrêter le partage.</translation>
    </message>
    <message>
        <source>Let viewers with the viewer link (Settings → Local Server) watch this conversation, read-only.</source>
        <translation>Permettre aux spectateurs disposant du lien spectateur (Paramètres → Serveur local) de suivre cette conversation, en lecture seule.</translation>
    </message>
    <message>
        <source>%1 is not installed on any host. &lt;a href=&quot;pull:%2&quot;&gt;Pull it&lt;/a&gt;</source>
        <translation>%1 n&apos;est installé sur aucun hôte. &lt;a href=&quot;pull:%2&quot;&gt;Le télécharger&lt;/a&gt;</translation>
    </message>
    <message>
        <source>The conversation could not be opened: %1</source>
        <translation>La conversation n&apos;a pas pu être ouverte&#xa0;: %1</translation>
    </message>
    <message>
        <source>Loading the conversation…</source>
        <translation>Chargement de la conversation…</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Nouvelle discussion</translation>
    </message>
    <message>
        <source>This conversation is not being saved: %1 The chat goes on; try a new chat later.</source>
        <translation>Cette conversation n&apos;est pas enregistrée&#xa0;: %1 La discussion continue&#xa0;; essayez une nouvelle discussion plus tard.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Your message was not saved: %1</source>
        <translation>Votre message n&apos;a pas été enregistré&#xa0;: %1</translation>
    </message>
    <message>
        <source>The reply is not being saved: %1</source>
        <translation>La réponse n&apos;est pas enregistrée&#xa0;: %1</translation>
    </message>
    <message>
        <source>The reply was not saved: %1</source>
        <translation>La réponse n&apos;a pas été enregistrée&#xa0;: %1</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Arrêté.</translation>
    </message>
</context>
<context>
    <name>rt::ui::ChatView</name>
    <message>
        <source>Copy Message</source>
        <translation>Copier le message</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Réessayer</translation>
    </message>
</context>
<context>
    <name>rt::ui::ConsensusChart</name>
    <message>
        <source>Consensus and confidence per round</source>
        <translation>Consensus et confiance par tour</translation>
    </message>
    <message>
        <source>round</source>
        <translation>tour</translation>
    </message>
    <message>
        <source>threshold</source>
        <translation>seuil</translation>
    </message>
    <message>
        <source>consensus</source>
        <translation>consensus</translation>
    </message>
</context>
<context>
    <name>rt::ui::ConversationList</name>
    <message>
        <source>Conversation title</source>
        <translation>Titre de la conversation</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Conversations</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Nouvelle</translation>
    </message>
    <message>
        <source>Start a new conversation (Ctrl+N)</source>
        <translation>Démarrer une nouvelle conversation (Ctrl+N)</translation>
    </message>
    <message>
        <source>Enter opens, F2 renames, Delete deletes</source>
        <translation>Entrée ouvre, F2 renomme, Suppr supprime</translation>
    </message>
    <message>
        <source>No conversations yet.
What you write in the chat is kept here.</source>
        <translation>Aucune conversation pour l&apos;instant.
Ce que vous écrivez dans la discussion est conservé ici.</translation>
    </message>
    <message>
        <source>Conversation deleted.</source>
        <translation>Conversation supprimée.</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>Annuler la suppression</translation>
    </message>
    <message>
        <source>Bring the deleted conversation back</source>
        <translation>Restaurer la conversation supprimée</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Renommer</translation>
    </message>
    <message>
        <source>Rename the selected conversation (F2)</source>
        <translation>Renommer la conversation sélectionnée (F2)</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Delete the selected conversation (Delete); you can undo it for a few seconds</source>
        <translation>Supprimer la conversation sélectionnée (Suppr)&#xa0;; annulable pendant quelques secondes</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <source>The conversations could not be loaded: %1</source>
        <translation>Les conversations n&apos;ont pas pu être chargées&#xa0;: %1</translation>
    </message>
    <message>
        <source>The new title was not saved: %1</source>
        <translation>Le nouveau titre n&apos;a pas été enregistré&#xa0;: %1</translation>
    </message>
    <message>
        <source>The conversation could not be deleted: %1</source>
        <translation>La conversation n&apos;a pas pu être supprimée&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>rt::ui::ConversationListModel</name>
    <message>
        <source>Just now</source>
        <translation>À l&apos;instant</translation>
    </message>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>Il y a %n min</numerusform>
            <numerusform>Il y a %n min</numerusform>
        </translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Hier</translation>
    </message>
    <message>
        <source>%1
Last active %2</source>
        <translation>%1
Dernière activité&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1
%2, last active %3</source>
        <translation>%1
%2, dernière activité&#xa0;: %3</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
</context>
<context>
    <name>rt::ui::DebateListModel</name>
    <message>
        <source>● running</source>
        <translation>● en cours</translation>
    </message>
    <message>
        <source>running elsewhere</source>
        <translation>en cours ailleurs</translation>
    </message>
    <message>
        <source>❚❚ paused</source>
        <translation>❚❚ en pause</translation>
    </message>
    <message>
        <source>✓ finished</source>
        <translation>✓ terminé</translation>
    </message>
    <message>
        <source>✕ failed</source>
        <translation>✕ échoué</translation>
    </message>
    <message>
        <source>◌ interrupted</source>
        <translation>◌ interrompu</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>annulé</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Question</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Agents</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Consensus</source>
        <translation>Consensus</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Début</translation>
    </message>
</context>
<context>
    <name>rt::ui::DebateText</name>
    <message>
        <source>Simultaneous</source>
        <translation>Simultané</translation>
    </message>
    <message>
        <source>Round robin</source>
        <translation>À tour de rôle</translation>
    </message>
    <message>
        <source>Adversarial</source>
        <translation>Contradictoire</translation>
    </message>
    <message>
        <source>Council</source>
        <translation>Conseil</translation>
    </message>
    <message>
        <source>Vote</source>
        <translation>Vote</translation>
    </message>
    <message>
        <source>Everyone answers alone in round 1; in each later round everyone reads all answers of the round before and may revise.</source>
        <translation>Chacun répond seul au tour 1&#xa0;; à chaque tour suivant, chacun lit toutes les réponses du tour précédent et peut réviser la sienne.</translation>
    </message>
    <message>
        <source>Agents speak one after another and each reads everything said so far; the first speaker rotates every round.</source>
        <translation>Les agents parlent l&apos;un après l&apos;autre et chacun lit tout ce qui a été dit jusque-là&#xa0;; le premier à parler change à chaque tour.</translation>
    </message>
    <message>
        <source>A proponent and an opponent argue; after each round a judge decides whether the question is settled and finally gives a verdict.</source>
        <translation>Un défenseur et un opposant argumentent&#xa0;; après chaque tour, un juge décide si la question est tranchée, puis rend un verdict final.</translation>
    </message>
    <message>
        <source>Every member answers alone, then ranks all answers under anonymous labels; a chair writes the final answer from them.</source>
        <translation>Chaque membre répond seul, puis classe toutes les réponses sous des étiquettes anonymes&#xa0;; un président rédige la réponse finale à partir de celles-ci.</translation>
    </message>
    <message>
        <source>No discussion: independent answers and a confidence-weighted majority, the honest baseline to compare a debate with.</source>
        <translation>Pas de discussion&#xa0;: des réponses indépendantes et une majorité pondérée par la confiance, la référence honnête à laquelle comparer un débat.</translation>
    </message>
    <message>
        <source>answers</source>
        <translation>réponses</translation>
    </message>
    <message>
        <source>revision</source>
        <translation>révision</translation>
    </message>
    <message>
        <source>ranking</source>
        <translation>classement</translation>
    </message>
    <message>
        <source>arguments</source>
        <translation>arguments</translation>
    </message>
    <message>
        <source>samples</source>
        <translation>échantillons</translation>
    </message>
    <message>
        <source>debater</source>
        <translation>débatteur</translation>
    </message>
    <message>
        <source>proponent</source>
        <translation>défenseur</translation>
    </message>
    <message>
        <source>opponent</source>
        <translation>opposant</translation>
    </message>
    <message>
        <source>judge</source>
        <translation>juge</translation>
    </message>
    <message>
        <source>chair</source>
        <translation>président</translation>
    </message>
    <message>
        <source>synthesiser</source>
        <translation>synthétiseur</translation>
    </message>
    <message>
        <source>turn</source>
        <translation>intervention</translation>
    </message>
    <message>
        <source>interjection</source>
        <translation>note pour les agents</translation>
    </message>
    <message>
        <source>synthesis</source>
        <translation>synthèse</translation>
    </message>
    <message>
        <source>verdict</source>
        <translation>verdict</translation>
    </message>
    <message>
        <source>repair</source>
        <translation>correction</translation>
    </message>
    <message>
        <source>complete</source>
        <translation>complète</translation>
    </message>
    <message>
        <source>partial</source>
        <translation>partielle</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>interrompue</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>échouée</translation>
    </message>
</context>
<context>
    <name>rt::ui::DebateView</name>
    <message numerus="yes">
        <source>%n model call(s)</source>
        <translation>
            <numerusform>%n appel de modèle</numerusform>
            <numerusform>%n appels de modèle</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 tokens (%2 prompt, %3 generated)</source>
        <translation>%1 jetons (%2 de prompt, %3 générés)</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>← Debates</source>
        <translation>← Débats</translation>
    </message>
    <message>
        <source>Back to the list of debates (Alt+Left)</source>
        <translation>Retour à la liste des débats (Alt+Gauche)</translation>
    </message>
    <message>
        <source>Rounds done</source>
        <translation>Tours effectués</translation>
    </message>
    <message>
        <source>Consensus</source>
        <translation>Consensus</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Mettre en pause</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <source>Interject…</source>
        <translation>Intervenir…</translation>
    </message>
    <message>
        <source>Interjection</source>
        <translation>Note pour les agents</translation>
    </message>
    <message>
        <source>A note for the agents; they read it in their next turn. Enter sends, Esc closes.</source>
        <translation>Une note pour les agents&#xa0;; ils la liront à leur prochaine intervention. Entrée envoie, Échap ferme.</translation>
    </message>
    <message>
        <source>Send to the table</source>
        <translation>Envoyer à la table</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reprendre</translation>
    </message>
    <message>
        <source>RESULT</source>
        <translation>RÉSULTAT</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <source>Save the debate as Markdown or JSON (Ctrl+E)</source>
        <translation>Enregistrer le débat en Markdown ou JSON (Ctrl+E)</translation>
    </message>
    <message>
        <source>Copy Answer</source>
        <translation>Copier la réponse</translation>
    </message>
    <message>
        <source>Run Again</source>
        <translation>Relancer</translation>
    </message>
    <message>
        <source>Start a new debate with the same question and seats</source>
        <translation>Lancer un nouveau débat avec la même question et les mêmes sièges</translation>
    </message>
    <message>
        <source>Transcript</source>
        <translation>Transcription</translation>
    </message>
    <message>
        <source>CONSENSUS PER ROUND</source>
        <translation>CONSENSUS PAR TOUR</translation>
    </message>
    <message>
        <source>SEATS: TOKENS GENERATED AND SECONDS PER TURN</source>
        <translation>SIÈGES&#xa0;: JETONS GÉNÉRÉS ET SECONDES PAR INTERVENTION</translation>
    </message>
    <message>
        <source>TRANSCRIPT</source>
        <translation>TRANSCRIPTION</translation>
    </message>
    <message>
        <source>Round %1</source>
        <translation>Tour %1</translation>
    </message>
    <message>
        <source>— Round %1 —</source>
        <translation>— Tour %1 —</translation>
    </message>
    <message>
        <source>answer: %1</source>
        <translation>réponse&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1% sure</source>
        <translation>sûr à %1&#xa0;%</translation>
    </message>
    <message numerus="yes">
        <source>%1 · up to %n round(s) · consensus at %2% · %3</source>
        <translation>
            <numerusform>%1 · jusqu&apos;à %n tour · consensus à %2&#xa0;% · %3</numerusform>
            <numerusform>%1 · jusqu&apos;à %n tours · consensus à %2&#xa0;% · %3</numerusform>
        </translation>
    </message>
    <message>
        <source>starting…</source>
        <translation>démarrage…</translation>
    </message>
    <message>
        <source>● running</source>
        <translation>● en cours</translation>
    </message>
    <message>
        <source>❚❚ paused</source>
        <translation>❚❚ en pause</translation>
    </message>
    <message>
        <source>✓ finished</source>
        <translation>✓ terminé</translation>
    </message>
    <message>
        <source>✕ failed</source>
        <translation>✕ échoué</translation>
    </message>
    <message>
        <source>◌ interrupted</source>
        <translation>◌ interrompu</translation>
    </message>
    <message>
        <source>Round %1 of %2</source>
        <translation>Tour %1 sur %2</translation>
    </message>
    <message>
        <source>Round %1 of %2 · %3</source>
        <translation>Tour %1 sur %2 · %3</translation>
    </message>
    <message numerus="yes">
        <source>%n round(s) played</source>
        <translation>
            <numerusform>%n tour joué</numerusform>
            <numerusform>%n tours joués</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 rounds done</source>
        <translation>Tours effectués&#xa0;: %1 sur %2</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>Non démarré</translation>
    </message>
    <message>
        <source>consensus %1% · needs %2%</source>
        <translation>consensus %1&#xa0;% · requis %2&#xa0;%</translation>
    </message>
    <message>
        <source>consensus: after the first round</source>
        <translation>consensus&#xa0;: après le premier tour</translation>
    </message>
    <message>
        <source>Paused: %1</source>
        <translation>En pause&#xa0;: %1</translation>
    </message>
    <message>
        <source>Paused. The agents wait; nothing is lost.</source>
        <translation>En pause. Les agents attendent&#xa0;; rien n&apos;est perdu.</translation>
    </message>
    <message>
        <source>This debate was interrupted. Resume continues from the last turn that was saved; nothing said so far is lost.</source>
        <translation>Ce débat a été interrompu. Reprendre continue à partir de la dernière intervention enregistrée&#xa0;; rien de ce qui a été dit n&apos;est perdu.</translation>
    </message>
    <message>
        <source>The debate failed: %1</source>
        <translation>Le débat a échoué&#xa0;: %1</translation>
    </message>
    <message>
        <source>The debate failed.</source>
        <translation>Le débat a échoué.</translation>
    </message>
    <message>
        <source>The debate is not running.</source>
        <translation>Le débat n&apos;est pas en cours.</translation>
    </message>
    <message>
        <source>Pause after the turn in progress (Ctrl+P)</source>
        <translation>Mettre en pause après l&apos;intervention en cours (Ctrl+P)</translation>
    </message>
    <message>
        <source>Continue the debate (Ctrl+P)</source>
        <translation>Poursuivre le débat (Ctrl+P)</translation>
    </message>
    <message>
        <source>End the debate now; the turn in progress is kept as partial (Ctrl+.)</source>
        <translation>Terminer le débat maintenant&#xa0;; l&apos;intervention en cours est conservée comme partielle (Ctrl+.)</translation>
    </message>
    <message>
        <source>Add a note the agents read in their next turn (Ctrl+I)</source>
        <translation>Ajouter une note que les agents liront à leur prochaine intervention (Ctrl+I)</translation>
    </message>
    <message>
        <source>The debate is still running.</source>
        <translation>Le débat est toujours en cours.</translation>
    </message>
    <message>
        <source>No answer</source>
        <translation>Aucune réponse</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;color:%1&apos;&gt;Consensus %2%&lt;/b&gt; (threshold %3%) — %4</source>
        <translation>&lt;b style=&apos;color:%1&apos;&gt;Consensus %2&#xa0;%&lt;/b&gt; (seuil %3&#xa0;%) — %4</translation>
    </message>
    <message>
        <source>Mean confidence %1%</source>
        <translation>Confiance moyenne&#xa0;: %1&#xa0;%</translation>
    </message>
    <message>
        <source>The two leading answers tied.</source>
        <translation>Les deux réponses en tête sont à égalité.</translation>
    </message>
    <message>
        <source>Dissent: %1 answered %2</source>
        <translation>Désaccord&#xa0;: %1 a répondu %2</translation>
    </message>
    <message>
        <source> (%1% sure)</source>
        <translation> (sûr à %1&#xa0;%)</translation>
    </message>
    <message>
        <source>Verdict: %1</source>
        <translation>Verdict&#xa0;: %1</translation>
    </message>
    <message>
        <source>Ranking (Borda points): %1</source>
        <translation>Classement (points Borda)&#xa0;: %1</translation>
    </message>
    <message>
        <source>*Synthesis by %1:*</source>
        <translation>*Synthèse par %1&#xa0;:*</translation>
    </message>
    <message>
        <source>Pausing…</source>
        <translation>Mise en pause…</translation>
    </message>
    <message>
        <source>The debate pauses when the turn in progress has finished.</source>
        <translation>Le débat se met en pause une fois l&apos;intervention en cours terminée.</translation>
    </message>
</context>
<context>
    <name>rt::ui::DebatesPage</name>
    <message>
        <source>A car drives up a hill at 1 m/s and comes back down the same road at 3 m/s. What is its average speed for the whole trip, in m/s? Answer with a single number.</source>
        <translation>Une voiture monte une colline à 1 m/s et redescend par la même route à 3 m/s. Quelle est sa vitesse moyenne sur l&apos;ensemble du trajet, en m/s&#xa0;? Répondez par un seul nombre.</translation>
    </message>
    <message>
        <source>Debates</source>
        <translation>Débats</translation>
    </message>
    <message>
        <source>Search debates by question</source>
        <translation>Rechercher des débats par question</translation>
    </message>
    <message>
        <source>Search questions…</source>
        <translation>Rechercher dans les questions…</translation>
    </message>
    <message>
        <source>Show debates with status</source>
        <translation>Afficher les débats ayant le statut</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Tous</translation>
    </message>
    <message>
        <source>New Debate</source>
        <translation>Nouveau débat</translation>
    </message>
    <message>
        <source>Seat agents and ask them a question (Ctrl+Shift+N)</source>
        <translation>Placer des agents à la table et leur poser une question (Ctrl+Maj+N)</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reprendre</translation>
    </message>
    <message>
        <source>Not Now</source>
        <translation>Plus tard</translation>
    </message>
    <message>
        <source>No debates yet</source>
        <translation>Aucun débat pour l&apos;instant</translation>
    </message>
    <message>
        <source>Seat a few agents at the table, ask a question, and watch them argue it out round by round until they agree (or say why they do not).</source>
        <translation>Placez quelques agents à la table, posez une question et regardez-les en débattre tour par tour jusqu&apos;à ce qu&apos;ils tombent d&apos;accord (ou expliquent pourquoi ils n&apos;y parviennent pas).</translation>
    </message>
    <message>
        <source>Start a Debate</source>
        <translation>Lancer un débat</translation>
    </message>
    <message>
        <source>Run a Sample Debate</source>
        <translation>Lancer un débat d&apos;exemple</translation>
    </message>
    <message>
        <source>Three simulated agents debate a tricky speed question</source>
        <translation>Trois agents simulés débattent d&apos;une question piège sur la vitesse</translation>
    </message>
    <message>
        <source>Debate %1 could not be opened: %2</source>
        <translation>Le débat %1 n&apos;a pas pu être ouvert&#xa0;: %2</translation>
    </message>
    <message numerus="yes">
        <source>%n debate(s) stopped before the end (the app or Ollama went away). Resume continues from the last saved turn; nothing said so far is lost.</source>
        <translation>
            <numerusform>%n débat s&apos;est arrêté avant la fin (l&apos;application ou Ollama s&apos;est interrompu). Reprendre continue à partir de la dernière intervention enregistrée&#xa0;; rien de ce qui a été dit n&apos;est perdu.</numerusform>
            <numerusform>%n débats se sont arrêtés avant la fin (l&apos;application ou Ollama s&apos;est interrompu). Reprendre continue à partir de la dernière intervention enregistrée&#xa0;; rien de ce qui a été dit n&apos;est perdu.</numerusform>
        </translation>
    </message>
    <message>
        <source>debate %1</source>
        <translation>débat %1</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Impossible d&apos;écrire %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Export Debate</source>
        <translation>Exporter le débat</translation>
    </message>
    <message>
        <source>Markdown (*.md);;JSON (*.json)</source>
        <translation>Markdown (*.md);;JSON (*.json)</translation>
    </message>
    <message>
        <source>The debates could not be read: %1</source>
        <translation>Les débats n&apos;ont pas pu être lus&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>rt::ui::DemoServer</name>
    <message>
        <source>The simulator did not report its address within %1 seconds.</source>
        <translation>Le simulateur n&apos;a pas indiqué son adresse dans les %1 secondes.</translation>
    </message>
    <message>
        <source>The demo simulator was not found at %1. It is built with Roundtable as roundtable-ollama-sim.</source>
        <translation>Le simulateur de démo est introuvable à l&apos;emplacement %1. Il est compilé avec Roundtable sous le nom roundtable-ollama-sim.</translation>
    </message>
    <message>
        <source>The demo simulator could not be started: %1</source>
        <translation>Le simulateur de démo n&apos;a pas pu être démarré&#xa0;: %1</translation>
    </message>
    <message>
        <source>The demo simulator exited before it was ready (exit code %1).</source>
        <translation>Le simulateur de démo s&apos;est arrêté avant d&apos;être prêt (code de sortie %1).</translation>
    </message>
    <message>
        <source>The demo simulator exited before it was ready: %1</source>
        <translation>Le simulateur de démo s&apos;est arrêté avant d&apos;être prêt&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>rt::ui::GuiOptions</name>
    <message>
        <source>Start with the built-in simulator (simulated models, no Ollama needed).</source>
        <translation>Démarrer avec le simulateur intégré (modèles simulés, Ollama non requis).</translation>
    </message>
    <message>
        <source>Save a PNG of the window once it has settled, then quit.</source>
        <translation>Enregistrer une image PNG de la fenêtre une fois stabilisée, puis quitter.</translation>
    </message>
    <message>
        <source>Colours for this run: light, dark or system (default: the choice in Settings, else system).</source>
        <translation>Couleurs pour cette exécution&#xa0;: light, dark ou system (par défaut&#xa0;: le choix des Paramètres, sinon system).</translation>
    </message>
    <message>
        <source>Should a small team write its own tests before the code?</source>
        <translation>Une petite équipe devrait-elle écrire ses propres tests avant le code&#xa0;?</translation>
    </message>
    <message>
        <source>Open this page: %1. With --screenshot, that page is saved.</source>
        <translation>Ouvrir cette page&#xa0;: %1. Avec --screenshot, c&apos;est cette page qui est enregistrée.</translation>
    </message>
    <message>
        <source>Language of the window for this run: en, de or fr (default: the choice in Settings, else the system&apos;s).</source>
        <translation>Langue de la fenêtre pour cette exécution&#xa0;: en, de ou fr (par défaut&#xa0;: le choix des Paramètres, sinon celle du système).</translation>
    </message>
    <message>
        <source>--language &quot;%1&quot; is not a language Roundtable speaks; use %2.</source>
        <translation>--language «&#xa0;%1&#xa0;» n&apos;est pas une langue prise en charge par Roundtable&#xa0;; utilisez %2.</translation>
    </message>
    <message>
        <source>%1 (see roundtable --help)</source>
        <translation>%1 (voir roundtable --help)</translation>
    </message>
    <message>
        <source>Unexpected argument &quot;%1&quot; (see roundtable --help).</source>
        <translation>Argument inattendu «&#xa0;%1&#xa0;» (voir roundtable --help).</translation>
    </message>
    <message>
        <source>--ollama-host &quot;%1&quot; is not a valid Ollama host: %2</source>
        <translation>--ollama-host «&#xa0;%1&#xa0;» n&apos;est pas un hôte Ollama valide&#xa0;: %2</translation>
    </message>
    <message>
        <source>--page &quot;%1&quot; is not a page; use one of: %2.</source>
        <translation>--page «&#xa0;%1&#xa0;» n&apos;est pas une page&#xa0;; utilisez l&apos;une des suivantes&#xa0;: %2.</translation>
    </message>
    <message>
        <source>--theme &quot;%1&quot; is not a theme; use light, dark or system.</source>
        <translation>--theme «&#xa0;%1&#xa0;» n&apos;est pas un thème&#xa0;; utilisez light, dark ou system.</translation>
    </message>
    <message>
        <source>Could not write the screenshot to %1.</source>
        <translation>Impossible d&apos;écrire la capture d&apos;écran dans %1.</translation>
    </message>
</context>
<context>
    <name>rt::ui::HistoryPage</name>
    <message>
        <source>History</source>
        <translation>Historique</translation>
    </message>
    <message>
        <source>Search history</source>
        <translation>Rechercher dans l&apos;historique</translation>
    </message>
    <message>
        <source>Search every chat and debate…</source>
        <translation>Rechercher dans toutes les discussions et tous les débats…</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Afficher</translation>
    </message>
    <message>
        <source>Chats and debates</source>
        <translation>Discussions et débats</translation>
    </message>
    <message>
        <source>Chats only</source>
        <translation>Discussions seulement</translation>
    </message>
    <message>
        <source>Debates only</source>
        <translation>Débats seulement</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>Any model</source>
        <translation>Tous les modèles</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <source>Any agent</source>
        <translation>Tous les agents</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>N&apos;importe quand</translation>
    </message>
    <message>
        <source>Past day</source>
        <translation>Dernier jour</translation>
    </message>
    <message>
        <source>Past week</source>
        <translation>Dernière semaine</translation>
    </message>
    <message>
        <source>Past month</source>
        <translation>Dernier mois</translation>
    </message>
    <message>
        <source>Past year</source>
        <translation>Dernière année</translation>
    </message>
    <message>
        <source>Between…</source>
        <translation>Entre…</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Date de début</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Date de fin</translation>
    </message>
    <message>
        <source>and</source>
        <translation>et</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <source>Save the selected conversation or debate as Markdown or JSON</source>
        <translation>Enregistrer la conversation ou le débat sélectionné en Markdown ou JSON</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importer…</translation>
    </message>
    <message>
        <source>Import a conversation or debate exported as JSON</source>
        <translation>Importer une conversation ou un débat exporté en JSON</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>Résultats</translation>
    </message>
    <message>
        <source>Search History</source>
        <translation>Rechercher dans l&apos;historique</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Recherche…</translation>
    </message>
    <message>
        <source>The search failed: %1</source>
        <translation>La recherche a échoué&#xa0;: %1</translation>
    </message>
    <message>
        <source>The search failed.</source>
        <translation>La recherche a échoué.</translation>
    </message>
    <message>
        <source>Nothing matches “%1”. Try fewer words, or other filters.</source>
        <translation>Aucun résultat pour «&#xa0;%1&#xa0;». Essayez avec moins de mots ou d&apos;autres filtres.</translation>
    </message>
    <message>
        <source>No matches.</source>
        <translation>Aucun résultat.</translation>
    </message>
    <message>
        <source>The %1 best matches for “%2” — Enter opens the selected one.</source>
        <translation>Les %1 meilleurs résultats pour «&#xa0;%2&#xa0;» — Entrée ouvre la sélection.</translation>
    </message>
    <message numerus="yes">
        <source>%n match(es) for “%1” — Enter opens the selected one.</source>
        <translation>
            <numerusform>%n résultat pour «&#xa0;%1&#xa0;» — Entrée ouvre la sélection.</numerusform>
            <numerusform>%n résultats pour «&#xa0;%1&#xa0;» — Entrée ouvre la sélection.</numerusform>
        </translation>
    </message>
    <message>
        <source>The history could not be read: %1</source>
        <translation>L&apos;historique n&apos;a pas pu être lu&#xa0;: %1</translation>
    </message>
    <message>
        <source>The history could not be read.</source>
        <translation>L&apos;historique n&apos;a pas pu être lu.</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 · %n message(s)</source>
        <translation>
            <numerusform>%1 · %n message</numerusform>
            <numerusform>%1 · %n messages</numerusform>
        </translation>
    </message>
    <message>
        <source>Debate</source>
        <translation>Débat</translation>
    </message>
    <message>
        <source>Debate · %1</source>
        <translation>Débat · %1</translation>
    </message>
    <message>
        <source>Nothing stored yet. Your chats and debates will be listed and searchable here.</source>
        <translation>Rien n&apos;est encore enregistré. Vos discussions et débats seront listés ici, et vous pourrez y faire des recherches.</translation>
    </message>
    <message>
        <source>Recent conversations and debates. Type to search all of them.</source>
        <translation>Conversations et débats récents. Tapez pour rechercher dans tout l&apos;historique.</translation>
    </message>
    <message>
        <source>Not exported: %1</source>
        <translation>Non exporté&#xa0;: %1</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Impossible d&apos;écrire %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Exported to %1.</source>
        <translation>Exporté vers %1.</translation>
    </message>
    <message>
        <source>Export Debate</source>
        <translation>Exporter le débat</translation>
    </message>
    <message>
        <source>Export Conversation</source>
        <translation>Exporter la conversation</translation>
    </message>
    <message>
        <source>Markdown (*.md);;JSON, can be imported again (*.json)</source>
        <translation>Markdown (*.md);;JSON, réimportable (*.json)</translation>
    </message>
    <message>
        <source>Could not read %1: %2</source>
        <translation>Impossible de lire %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Not imported: %1</source>
        <translation>Non importé&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>Imported a debate with %n turn(s).</source>
        <translation>
            <numerusform>Débat importé avec %n intervention.</numerusform>
            <numerusform>Débat importé avec %n interventions.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported a conversation with %n message(s).</source>
        <translation>
            <numerusform>Conversation importée avec %n message.</numerusform>
            <numerusform>Conversation importée avec %n messages.</numerusform>
        </translation>
    </message>
    <message>
        <source>Import a Conversation or Debate</source>
        <translation>Importer une conversation ou un débat</translation>
    </message>
    <message>
        <source>JSON export (*.json);;All files (*)</source>
        <translation>Export JSON (*.json);;Tous les fichiers (*)</translation>
    </message>
</context>
<context>
    <name>rt::ui::HostListModel</name>
    <message>
        <source>Checking…</source>
        <translation>Vérification…</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>En ligne</translation>
    </message>
    <message>
        <source>Busy (%1 waiting)</source>
        <translation>Occupé (%1 en attente)</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Occupé</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Hors ligne</translation>
    </message>
    <message>
        <source>Breaker open (retry in %1 s)</source>
        <translation>Disjoncteur ouvert (nouvel essai dans %1 s)</translation>
    </message>
    <message>
        <source>Breaker open</source>
        <translation>Disjoncteur ouvert</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>● %1</source>
        <translation>● %1</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 of %2, %3 waiting</source>
        <translation>%1 sur %2, %3 en attente</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Hôte</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latence</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modèles</translation>
    </message>
    <message>
        <source>Loaded</source>
        <translation>Chargés</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Requêtes</translation>
    </message>
</context>
<context>
    <name>rt::ui::MainWindow</name>
    <message>
        <source>Chat</source>
        <translation>Discussion</translation>
    </message>
    <message>
        <source>Debates</source>
        <translation>Débats</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Agents</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modèles</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historique</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>Tâches</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Métriques</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>⚠ Not saving: %1 Using a temporary database until restart. &lt;a href=&quot;settings&quot;&gt;Choose another…&lt;/a&gt;</source>
        <translation>⚠ Aucun enregistrement&#xa0;: %1 Base de données temporaire utilisée jusqu&apos;au redémarrage. &lt;a href=&quot;settings&quot;&gt;En choisir une autre…&lt;/a&gt;</translation>
    </message>
    <message>
        <source>%1

Database: %2
Choose another in Settings, with --db or $ROUNDTABLE_DB.</source>
        <translation>%1

Base de données&#xa0;: %2
Choisissez-en une autre dans les Paramètres, avec --db ou $ROUNDTABLE_DB.</translation>
    </message>
    <message>
        <source>1 model</source>
        <translation>1 modèle</translation>
    </message>
    <message>
        <source>%1 models</source>
        <translation>%1 modèles</translation>
    </message>
    <message>
        <source>The demo simulator stopped unexpectedly.</source>
        <translation>Le simulateur de démo s&apos;est arrêté de manière inattendue.</translation>
    </message>
    <message>
        <source>Roundtable</source>
        <translation>Roundtable</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>Version %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Demo — simulated models.&lt;/b&gt; Replies come from Roundtable&apos;s built-in simulator, not from an AI model.</source>
        <translation>&lt;b&gt;Démo — modèles simulés.&lt;/b&gt; Les réponses proviennent du simulateur intégré de Roundtable, pas d&apos;un modèle d&apos;IA.</translation>
    </message>
    <message>
        <source>Leave Demo</source>
        <translation>Quitter la démo</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;New Chat</source>
        <translation>&amp;Nouvelle discussion</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Paramètres…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>Dis&amp;cussion</translation>
    </message>
    <message>
        <source>&amp;Stop Reply</source>
        <translation>&amp;Arrêter la réponse</translation>
    </message>
    <message>
        <source>&amp;Focus Message Box</source>
        <translation>Aller à la &amp;zone de message</translation>
    </message>
    <message>
        <source>&amp;Reload Models</source>
        <translation>&amp;Recharger les modèles</translation>
    </message>
    <message>
        <source>&amp;Debate</source>
        <translation>&amp;Débat</translation>
    </message>
    <message>
        <source>New &amp;Debate…</source>
        <translation>&amp;Nouveau débat…</translation>
    </message>
    <message>
        <source>All &amp;Debates</source>
        <translation>&amp;Tous les débats</translation>
    </message>
    <message>
        <source>Connect to a &amp;Remote Table…</source>
        <translation>Se connecter à une table &amp;distante…</translation>
    </message>
    <message>
        <source>Watch the debates of another Roundtable from its viewer link (read-only)</source>
        <translation>Suivre les débats d&apos;un autre Roundtable depuis son lien spectateur (lecture seule)</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>A&amp;ller</translation>
    </message>
    <message>
        <source>&amp;Search History…</source>
        <translation>&amp;Rechercher dans l&apos;historique…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>&amp;Raccourcis clavier</translation>
    </message>
    <message>
        <source>&amp;About Roundtable</source>
        <translation>À &amp;propos de Roundtable</translation>
    </message>
    <message>
        <source>About Roundtable</source>
        <translation>À propos de Roundtable</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Roundtable %1&lt;/h3&gt;&lt;p&gt;Seat several local AI models at one table and let them debate.&lt;/p&gt;&lt;p&gt;Talks to Ollama at %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Roundtable %1&lt;/h3&gt;&lt;p&gt;Réunissez plusieurs modèles d&apos;IA locaux autour d&apos;une table et laissez-les débattre.&lt;/p&gt;&lt;p&gt;Communique avec Ollama à l&apos;adresse %2.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Debates are running</source>
        <translation>Des débats sont en cours</translation>
    </message>
    <message numerus="yes">
        <source>%n debate(s) still running. Stop them now (the turns in progress are kept, marked partial) or keep them resumable (they continue from the last saved turn next time)?</source>
        <translation>
            <numerusform>%n débat est encore en cours. L&apos;arrêter maintenant (les interventions en cours sont conservées, marquées partielles) ou le garder pour reprise (il reprendra à la dernière intervention enregistrée au prochain lancement)&#xa0;?</numerusform>
            <numerusform>%n débats sont encore en cours. Les arrêter maintenant (les interventions en cours sont conservées, marquées partielles) ou les garder pour reprise (ils reprendront à la dernière intervention enregistrée au prochain lancement)&#xa0;?</numerusform>
        </translation>
    </message>
    <message>
        <source>Stop Debates</source>
        <translation>Arrêter les débats</translation>
    </message>
    <message>
        <source>Keep Resumable</source>
        <translation>Garder pour reprise</translation>
    </message>
    <message>
        <source>Starting the demo simulator…</source>
        <translation>Démarrage du simulateur de démo…</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connexion à %1…</translation>
    </message>
    <message>
        <source>Simulated (demo) — roundtable-ollama-sim at %1</source>
        <translation>Simulé (démo) — roundtable-ollama-sim sur %1</translation>
    </message>
    <message>
        <source>Online — Ollama at %1</source>
        <translation>En ligne — Ollama sur %1</translation>
    </message>
    <message>
        <source>Online — Ollama %1 at %2</source>
        <translation>En ligne — Ollama %1 sur %2</translation>
    </message>
    <message>
        <source>Offline — no answer from %1. Trying again…</source>
        <translation>Hors ligne — aucune réponse de %1. Nouvelle tentative…</translation>
    </message>
    <message>
        <source>Offline — no answer from %1. Next try in %2 s.</source>
        <translation>Hors ligne — aucune réponse de %1. Nouvelle tentative dans %2 s.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Roundtable (Demo — simulated models)</source>
        <translation>Roundtable (Démo — modèles simulés)</translation>
    </message>
</context>
<context>
    <name>rt::ui::MessageDelegate</name>
    <message>
        <source>Retry</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <source>Stopped before any text arrived.</source>
        <translation>Arrêté avant l&apos;arrivée du moindre texte.</translation>
    </message>
    <message>
        <source>The model sent an empty reply.</source>
        <translation>Le modèle a envoyé une réponse vide.</translation>
    </message>
</context>
<context>
    <name>rt::ui::MetricsPage</name>
    <message>
        <source>Healthy</source>
        <translation>Opérationnel</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>Dégradé</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Hors service</translation>
    </message>
    <message>
        <source>kept loaded</source>
        <translation>reste chargé</translation>
    </message>
    <message>
        <source>unloading now</source>
        <translation>déchargement en cours</translation>
    </message>
    <message>
        <source>in under a minute</source>
        <translation>dans moins d&apos;une minute</translation>
    </message>
    <message numerus="yes">
        <source>in %n min</source>
        <translation>
            <numerusform>dans %n min</numerusform>
            <numerusform>dans %n min</numerusform>
        </translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Métriques</translation>
    </message>
    <message>
        <source>Time range</source>
        <translation>Période</translation>
    </message>
    <message>
        <source>5 min</source>
        <translation>5 min</translation>
    </message>
    <message>
        <source>1 h</source>
        <translation>1 h</translation>
    </message>
    <message>
        <source>24 h</source>
        <translation>24 h</translation>
    </message>
    <message>
        <source>The last 24 hours, from the samples saved every minute</source>
        <translation>Les dernières 24 heures, d&apos;après les échantillons enregistrés chaque minute</translation>
    </message>
    <message>
        <source>Live, one point a second</source>
        <translation>En direct, un point par seconde</translation>
    </message>
    <message>
        <source>Tokens per second</source>
        <translation>Jetons par seconde</translation>
    </message>
    <message>
        <source>Tokens per second of</source>
        <translation>Jetons par seconde selon</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modèles</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Agents</translation>
    </message>
    <message>
        <source>One line per model</source>
        <translation>Une courbe par modèle</translation>
    </message>
    <message>
        <source>One line per debate agent</source>
        <translation>Une courbe par agent de débat</translation>
    </message>
    <message>
        <source>Response time</source>
        <translation>Temps de réponse</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>Whole replies (p50, p95) and the wait for their first token (p50), over the last 30 seconds</source>
        <translation>Réponses complètes (p50, p95) et attente de leur premier jeton (p50), sur les 30 dernières secondes</translation>
    </message>
    <message>
        <source>Failed requests (last minute)</source>
        <translation>Requêtes en échec (dernière minute)</translation>
    </message>
    <message numerus="yes">
        <source>Failed requests (last %n s)</source>
        <translation>
            <numerusform>Requêtes en échec (sur %n s)</numerusform>
            <numerusform>Requêtes en échec (sur %n s)</numerusform>
        </translation>
    </message>
    <message>
        <source>Streams and queue per host</source>
        <translation>Flux et file d&apos;attente par hôte</translation>
    </message>
    <message>
        <source>Viewers</source>
        <translation>Spectateurs</translation>
    </message>
    <message>
        <source>People following a debate through Roundtable&apos;s local server</source>
        <translation>Personnes qui suivent un débat via le serveur local de Roundtable</translation>
    </message>
    <message>
        <source>Loaded models</source>
        <translation>Modèles chargés</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Hôte</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>VRAM</source>
        <translation>VRAM</translation>
    </message>
    <message>
        <source>Unloads</source>
        <translation>Déchargement</translation>
    </message>
    <message>
        <source>No model is loaded. A model loads with its first request and unloads when its keep-alive ends.</source>
        <translation>Aucun modèle n&apos;est chargé. Un modèle se charge à sa première requête et se décharge à la fin de son keep-alive.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>Could not read the stored samples: %1</source>
        <translation>Impossible de lire les échantillons enregistrés&#xa0;: %1</translation>
    </message>
    <message>
        <source>Nothing stored for the last 24 hours yet. Samples are saved once a minute while Roundtable runs.</source>
        <translation>Aucune donnée enregistrée pour les dernières 24 heures. Les échantillons sont enregistrés une fois par minute tant que Roundtable est ouvert.</translation>
    </message>
    <message>
        <source>No requests yet: start a chat or a debate</source>
        <translation>Aucune requête pour l&apos;instant&#xa0;: lancez une discussion ou un débat</translation>
    </message>
    <message>
        <source>Nothing in the last 5 minutes</source>
        <translation>Rien au cours des 5 dernières minutes</translation>
    </message>
    <message>
        <source>Nothing in the last hour</source>
        <translation>Rien au cours de la dernière heure</translation>
    </message>
    <message>
        <source>No debate turns yet: tokens per agent come from debates</source>
        <translation>Aucune intervention de débat pour l&apos;instant&#xa0;: les jetons par agent proviennent des débats</translation>
    </message>
    <message>
        <source>No reply has finished yet</source>
        <translation>Aucune réponse terminée pour l&apos;instant</translation>
    </message>
    <message>
        <source>No samples yet</source>
        <translation>Aucun échantillon pour l&apos;instant</translation>
    </message>
    <message>
        <source>%1 streams</source>
        <translation>flux de %1</translation>
    </message>
    <message>
        <source>%1 queued</source>
        <translation>file de %1</translation>
    </message>
    <message>
        <source>viewers</source>
        <translation>spectateurs</translation>
    </message>
    <message>
        <source>Checking</source>
        <translation>Vérification</translation>
    </message>
    <message>
        <source>Checking the Ollama hosts…</source>
        <translation>Vérification des hôtes Ollama…</translation>
    </message>
    <message numerus="yes">
        <source>%n request(s) since start, %1 failed; %2 streaming now</source>
        <translation>
            <numerusform>%n requête depuis le démarrage, %1 en échec&#xa0;; %2 flux en cours</numerusform>
            <numerusform>%n requêtes depuis le démarrage, %1 en échec&#xa0;; %2 flux en cours</numerusform>
        </translation>
    </message>
    <message>
        <source>Not sampled yet</source>
        <translation>Pas encore échantillonné</translation>
    </message>
    <message>
        <source>%1 &lt;b&gt;%2&lt;/b&gt; · %3</source>
        <translation>%1 &lt;b&gt;%2&lt;/b&gt; · %3</translation>
    </message>
    <message>
        <source>Ollama %1</source>
        <translation>Ollama %1</translation>
    </message>
    <message>
        <source>in the last minute</source>
        <translation>sur la dernière minute</translation>
    </message>
    <message numerus="yes">
        <source>in the last %n second(s)</source>
        <translation>
            <numerusform>sur la dernière %n seconde</numerusform>
            <numerusform>sur les %n dernières secondes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n request(s), %1 failed %2</source>
        <translation>
            <numerusform>%n requête, %1 en échec %2</numerusform>
            <numerusform>%n requêtes, dont %1 en échec %2</numerusform>
        </translation>
    </message>
    <message>
        <source>first token p95 %1 s</source>
        <translation>premier jeton p95 %1 s</translation>
    </message>
    <message>
        <source>Answering normally.</source>
        <translation>Répond normalement.</translation>
    </message>
    <message>
        <source>%1 (%2% on CPU)</source>
        <translation>%1 (%2&#xa0;% sur le CPU)</translation>
    </message>
    <message>
        <source>Unloads at %1</source>
        <translation>Déchargement le %1</translation>
    </message>
</context>
<context>
    <name>rt::ui::ModelListModel</name>
    <message>
        <source>tools</source>
        <translation>outils</translation>
    </message>
    <message>
        <source>vision</source>
        <translation>vision</translation>
    </message>
    <message>
        <source>thinking</source>
        <translation>réflexion</translation>
    </message>
    <message>
        <source>embedding</source>
        <translation>plongement</translation>
    </message>
    <message>
        <source>%1, %2% on the CPU</source>
        <translation>%1, %2&#xa0;% sur le CPU</translation>
    </message>
    <message>
        <source>In memory (%1)</source>
        <translation>En mémoire (%1)</translation>
    </message>
    <message>
        <source>In memory (%1) until %2</source>
        <translation>En mémoire (%1) jusqu&apos;à %2</translation>
    </message>
    <message>
        <source>Not loaded; Ollama loads it with the first request.</source>
        <translation>Non chargé&#xa0;; Ollama le charge à la première requête.</translation>
    </message>
    <message>
        <source>● %1</source>
        <translation>● %1</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Hôte</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>Famille</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Quantisation</source>
        <translation>Quantification</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Contexte</translation>
    </message>
    <message>
        <source>Capabilities</source>
        <translation>Capacités</translation>
    </message>
    <message>
        <source>Loaded</source>
        <translation>Chargé</translation>
    </message>
</context>
<context>
    <name>rt::ui::ModelsPage</name>
    <message>
        <source>Edit Host</source>
        <translation>Modifier l&apos;hôte</translation>
    </message>
    <message>
        <source>Add Host</source>
        <translation>Ajouter un hôte</translation>
    </message>
    <message>
        <source>gpu-box</source>
        <translation>gpu-box</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Nom</translation>
    </message>
    <message>
        <source>&amp;URL</source>
        <translation>&amp;URL</translation>
    </message>
    <message>
        <source>&amp;Requests at once</source>
        <translation>&amp;Requêtes simultanées</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Ajouter</translation>
    </message>
    <message>
        <source>Use letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos; for the name (up to 40), starting with a letter or digit.</source>
        <translation>Le nom ne peut contenir que des lettres, des chiffres, «&#xa0;.&#xa0;», «&#xa0;_&#xa0;» ou «&#xa0;-&#xa0;» (40 au maximum) et doit commencer par une lettre ou un chiffre.</translation>
    </message>
    <message>
        <source>“%1” is not a valid Ollama host: %2</source>
        <translation>«&#xa0;%1&#xa0;» n&apos;est pas un hôte Ollama valide&#xa0;: %2</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modèles</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>Ask every host again: state, latency, models and what is loaded</source>
        <translation>Interroger à nouveau chaque hôte&#xa0;: état, latence, modèles et modèles chargés</translation>
    </message>
    <message>
        <source>Pull a Model…</source>
        <translation>Télécharger un modèle…</translation>
    </message>
    <message>
        <source>Download a model to a host</source>
        <translation>Télécharger un modèle sur un hôte</translation>
    </message>
    <message>
        <source>Hosts</source>
        <translation>Hôtes</translation>
    </message>
    <message>
        <source>Show the models of</source>
        <translation>Afficher les modèles de</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Hôte</translation>
    </message>
    <message>
        <source>Loaded models stay in memory until their keep-alive ends; the first request loads a model.</source>
        <translation>Les modèles chargés restent en mémoire jusqu&apos;à la fin de leur keep-alive&#xa0;; la première requête charge un modèle.</translation>
    </message>
    <message>
        <source>Model details</source>
        <translation>Détails du modèle</translation>
    </message>
    <message>
        <source>&lt;p style=&apos;color:%1&apos;&gt;Pick a model to see its details.&lt;/p&gt;</source>
        <translation>&lt;p style=&apos;color:%1&apos;&gt;Choisissez un modèle pour voir ses détails.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Supprimer…</translation>
    </message>
    <message>
        <source>Remove the model from its host (asks first)</source>
        <translation>Supprimer le modèle de son hôte (avec confirmation)</translation>
    </message>
    <message>
        <source>Requests go to a host that has the model, the least busy first. A host that stops answering is taken out of rotation at once and tried again after a pause. These are the hosts of &lt;code&gt;roundtable hosts&lt;/code&gt;, saved in the same settings.</source>
        <translation>Les requêtes vont à un hôte qui dispose du modèle, le moins occupé en premier. Un hôte qui ne répond plus est aussitôt retiré de la rotation, puis réessayé après une pause. Ce sont les hôtes de &lt;code&gt;roundtable hosts&lt;/code&gt;, enregistrés dans les mêmes paramètres.</translation>
    </message>
    <message>
        <source>Add Host…</source>
        <translation>Ajouter un hôte…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Modifier…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <source>Check Now</source>
        <translation>Vérifier maintenant</translation>
    </message>
    <message>
        <source>Probe every host now, the offline ones too</source>
        <translation>Sonder tous les hôtes maintenant, y compris ceux hors ligne</translation>
    </message>
    <message>
        <source>The first host is the window&apos;s own connection; change its URL with Edit</source>
        <translation>Le premier hôte est la connexion propre à la fenêtre&#xa0;; changez son URL avec Modifier</translation>
    </message>
    <message>
        <source>Remove the host from the settings</source>
        <translation>Retirer l&apos;hôte des paramètres</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; — %2: %3</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; — %2&#xa0;: %3</translation>
    </message>
    <message>
        <source>All hosts</source>
        <translation>Tous les hôtes</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;No models here yet.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Pull one to start: &lt;a href=&apos;pull&apos;&gt;Pull a Model…&lt;/a&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Aucun modèle ici pour l&apos;instant.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Téléchargez-en un pour commencer&#xa0;: &lt;a href=&apos;pull&apos;&gt;Télécharger un modèle…&lt;/a&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;No host is answering.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;The Hosts tab says what went wrong with each.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Aucun hôte ne répond.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;L&apos;onglet Hôtes indique le problème de chacun.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p style=&apos;color:%2&apos;&gt;Loading details…&lt;/p&gt;</source>
        <translation>&lt;h3&gt;%1&lt;/h3&gt;&lt;p style=&apos;color:%2&apos;&gt;Chargement des détails…&lt;/p&gt;</translation>
    </message>
    <message>
        <source>on %1</source>
        <translation>sur %1</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>Famille</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Quantisation</source>
        <translation>Quantification</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>Longueur du contexte</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 jetons</translation>
    </message>
    <message>
        <source>Capabilities</source>
        <translation>Capacités</translation>
    </message>
    <message>
        <source>completion</source>
        <translation>complétion</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Non</translation>
    </message>
    <message>
        <source>%1, context %2</source>
        <translation>%1, contexte %2</translation>
    </message>
    <message>
        <source>Loaded now</source>
        <translation>Chargé actuellement</translation>
    </message>
    <message>
        <source>Modified</source>
        <translation>Modifié</translation>
    </message>
    <message>
        <source>Digest</source>
        <translation>Empreinte</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>Prompt système</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Gabarit</translation>
    </message>
    <message>
        <source>License</source>
        <translation>Licence</translation>
    </message>
    <message>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p style=&apos;color:%2&apos;&gt;The details did not load: %3&lt;/p&gt;</source>
        <translation>&lt;h3&gt;%1&lt;/h3&gt;&lt;p style=&apos;color:%2&apos;&gt;Les détails n&apos;ont pas pu être chargés&#xa0;: %3&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Delete %1 from %2? It frees %3; pulling it again downloads it again.</source>
        <translation>Supprimer %1 de %2&#xa0;? Cela libère %3&#xa0;; pour le récupérer, il faudra le télécharger à nouveau.</translation>
    </message>
    <message>
        <source>Delete Model</source>
        <translation>Supprimer le modèle</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Deleted %1 from %2.</source>
        <translation>%1 supprimé de %2.</translation>
    </message>
    <message>
        <source>%1 could not be deleted from %2: %3</source>
        <translation>Impossible de supprimer %1 de %2&#xa0;: %3</translation>
    </message>
    <message>
        <source>A host named “%1” already exists.</source>
        <translation>Un hôte nommé «&#xa0;%1&#xa0;» existe déjà.</translation>
    </message>
    <message>
        <source>Added host %1 (%2).</source>
        <translation>Hôte %1 ajouté (%2).</translation>
    </message>
    <message>
        <source>There is no host named “%1”.</source>
        <translation>Aucun hôte ne s&apos;appelle «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>The first host is the window&apos;s own connection and keeps its name.</source>
        <translation>Le premier hôte est la connexion propre à la fenêtre et garde son nom.</translation>
    </message>
    <message>
        <source>Saved host %1 (%2).</source>
        <translation>Hôte %1 enregistré (%2).</translation>
    </message>
    <message>
        <source>The first host is the window&apos;s own connection; change its URL instead.</source>
        <translation>Le premier hôte est la connexion propre à la fenêtre&#xa0;; changez plutôt son URL.</translation>
    </message>
    <message>
        <source>Removed host %1.</source>
        <translation>Hôte %1 retiré.</translation>
    </message>
    <message>
        <source>Remove Host</source>
        <translation>Retirer l&apos;hôte</translation>
    </message>
    <message>
        <source>Remove the host %1 from Roundtable? Its models stay on it.</source>
        <translation>Retirer l&apos;hôte %1 de Roundtable&#xa0;? Ses modèles y restent.</translation>
    </message>
</context>
<context>
    <name>rt::ui::NewDebatePanel</name>
    <message>
        <source>New Debate</source>
        <translation>Nouveau débat</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Question</translation>
    </message>
    <message>
        <source>What should the agents debate? Enter starts, Shift+Enter adds a line.</source>
        <translation>Sur quoi les agents doivent-ils débattre&#xa0;? Entrée lance le débat, Maj+Entrée ajoute une ligne.</translation>
    </message>
    <message>
        <source>Seats</source>
        <translation>Sièges</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Rounds</source>
        <translation>Tours</translation>
    </message>
    <message>
        <source>Consensus threshold</source>
        <translation>Seuil de consensus</translation>
    </message>
    <message>
        <source>Share of confidence-weighted support the leading answer needs to stop early</source>
        <translation>Part du soutien, pondéré par la confiance, que la réponse en tête doit atteindre pour un arrêt anticipé</translation>
    </message>
    <message>
        <source>More options</source>
        <translation>Plus d&apos;options</translation>
    </message>
    <message>
        <source>Token budget</source>
        <translation>Budget de jetons</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>illimité</translation>
    </message>
    <message>
        <source>Time budget in minutes</source>
        <translation>Budget de temps en minutes</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Stop when nobody changes position for this many rounds</source>
        <translation>Arrêter quand personne ne change de position pendant ce nombre de tours</translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>A synthesiser writes a final summary</source>
        <translation>Un agent de synthèse rédige un résumé final</translation>
    </message>
    <message>
        <source>Token budget:</source>
        <translation>Budget de jetons&#xa0;:</translation>
    </message>
    <message>
        <source>Time budget:</source>
        <translation>Budget de temps&#xa0;:</translation>
    </message>
    <message>
        <source>Stop after rounds without change:</source>
        <translation>Tours sans changement avant arrêt&#xa0;:</translation>
    </message>
    <message>
        <source>Start Debate</source>
        <translation>Lancer le débat</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Back to the list (Esc)</source>
        <translation>Retour à la liste (Échap)</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Format&#xa0;:</translation>
    </message>
    <message>
        <source>Rounds:</source>
        <translation>Tours&#xa0;:</translation>
    </message>
    <message>
        <source>Consensus at:</source>
        <translation>Consensus à&#xa0;:</translation>
    </message>
    <message>
        <source>%1  (%2)</source>
        <translation>%1  (%2)</translation>
    </message>
    <message>
        <source>%1 (not installed)</source>
        <translation>%1 (non installé)</translation>
    </message>
    <message>
        <source>Model for %1</source>
        <translation>Modèle pour %1</translation>
    </message>
    <message>
        <source>Type the question the agents should debate.</source>
        <translation>Saisissez la question dont les agents doivent débattre.</translation>
    </message>
    <message>
        <source>The agents are still loading.</source>
        <translation>Les agents sont encore en cours de chargement.</translation>
    </message>
    <message>
        <source>Pick at least two agents (tick them in the Seats list).</source>
        <translation>Choisissez au moins deux agents (cochez-les dans la liste Sièges).</translation>
    </message>
    <message>
        <source>No Ollama host is answering. Start Ollama (or the demo) and try again.</source>
        <translation>Aucun hôte Ollama ne répond. Démarrez Ollama (ou la démo) et réessayez.</translation>
    </message>
    <message>
        <source>%1 has no model: pull one on the Models page or pick one here.</source>
        <translation>%1 n&apos;a pas de modèle&#xa0;: téléchargez-en un sur la page Modèles ou choisissez-en un ici.</translation>
    </message>
    <message>
        <source>%1&apos;s model %2 is not installed on any host: pick another or pull it with &quot;roundtable models pull %2&quot;.</source>
        <translation>Le modèle %2 de %1 n&apos;est installé sur aucun hôte&#xa0;: choisissez-en un autre ou téléchargez-le avec «&#xa0;roundtable models pull %2&#xa0;».</translation>
    </message>
    <message>
        <source>&lt;a href=&quot;pull:%1&quot;&gt;Pull %1&lt;/a&gt;</source>
        <translation>&lt;a href=&quot;pull:%1&quot;&gt;Télécharger %1&lt;/a&gt;</translation>
    </message>
    <message>
        <source>Start the debate (Enter)</source>
        <translation>Lancer le débat (Entrée)</translation>
    </message>
</context>
<context>
    <name>rt::ui::OfflinePanel</name>
    <message>
        <source>OFFLINE</source>
        <translation>HORS LIGNE</translation>
    </message>
    <message>
        <source>Ollama is not answering</source>
        <translation>Ollama ne répond pas</translation>
    </message>
    <message>
        <source>&lt;b&gt;To chat with your own models, start Ollama&lt;/b&gt; in a terminal:</source>
        <translation>&lt;b&gt;Pour discuter avec vos propres modèles, démarrez Ollama&lt;/b&gt; dans un terminal&#xa0;:</translation>
    </message>
    <message>
        <source>Is Ollama running on another machine or port? Set &lt;b&gt;OLLAMA_HOST&lt;/b&gt;, or start Roundtable with &lt;b&gt;--ollama-host&lt;/b&gt; &lt;i&gt;URL&lt;/i&gt;.</source>
        <translation>Ollama tourne sur une autre machine ou un autre port&#xa0;? Définissez &lt;b&gt;OLLAMA_HOST&lt;/b&gt;, ou lancez Roundtable avec &lt;b&gt;--ollama-host&lt;/b&gt; &lt;i&gt;URL&lt;/i&gt;.</translation>
    </message>
    <message>
        <source>Not installed yet? Get it from ollama.com, then pull a model: &lt;b&gt;ollama pull llama3.2&lt;/b&gt;</source>
        <translation>Pas encore installé&#xa0;? Récupérez-le sur ollama.com, puis téléchargez un modèle&#xa0;: &lt;b&gt;ollama pull llama3.2&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Retry Now</source>
        <translation>Réessayer maintenant</translation>
    </message>
    <message>
        <source>&lt;b&gt;No Ollama at hand?&lt;/b&gt; Try Roundtable with the built-in simulator. Its models are simulated: replies are sample text, not AI.</source>
        <translation>&lt;b&gt;Pas d&apos;Ollama sous la main&#xa0;?&lt;/b&gt; Essayez Roundtable avec le simulateur intégré. Ses modèles sont simulés&#xa0;: les réponses sont des textes d&apos;exemple, pas de l&apos;IA.</translation>
    </message>
    <message>
        <source>Try the Demo</source>
        <translation>Essayer la démo</translation>
    </message>
    <message>
        <source>Roundtable tried &lt;b&gt;%1&lt;/b&gt; and got no answer.</source>
        <translation>Roundtable a tenté de joindre &lt;b&gt;%1&lt;/b&gt; sans obtenir de réponse.</translation>
    </message>
    <message>
        <source>Trying again…</source>
        <translation>Nouvelle tentative…</translation>
    </message>
    <message>
        <source>Roundtable keeps trying by itself. Next try in 1 second.</source>
        <translation>Roundtable réessaie de lui-même. Prochaine tentative dans 1 seconde.</translation>
    </message>
    <message>
        <source>Roundtable keeps trying by itself. Next try in %1 seconds.</source>
        <translation>Roundtable réessaie de lui-même. Prochaine tentative dans %1 secondes.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
    <message>
        <source>Starting the simulator…</source>
        <translation>Démarrage du simulateur…</translation>
    </message>
</context>
<context>
    <name>rt::ui::PullDialog</name>
    <message>
        <source>a good first chat model, 2.0 GB</source>
        <translation>un bon premier modèle de discussion, 2,0 Go</translation>
    </message>
    <message>
        <source>small and fast, 1.3 GB</source>
        <translation>petit et rapide, 1,3 Go</translation>
    </message>
    <message>
        <source>reasoning and code, 4.7 GB</source>
        <translation>raisonnement et code, 4,7 Go</translation>
    </message>
    <message>
        <source>a capable all-rounder, 4.1 GB</source>
        <translation>un modèle polyvalent et capable, 4,1 Go</translation>
    </message>
    <message>
        <source>Google&apos;s small model, 1.6 GB</source>
        <translation>le petit modèle de Google, 1,6 Go</translation>
    </message>
    <message>
        <source>Microsoft, 3.8B, 2.2 GB</source>
        <translation>Microsoft, 3.8B, 2,2 Go</translation>
    </message>
    <message>
        <source>thinks before answering, 1.1 GB</source>
        <translation>réfléchit avant de répondre, 1,1 Go</translation>
    </message>
    <message>
        <source>embeddings (consensus), 274 MB</source>
        <translation>plongements (consensus), 274 Mo</translation>
    </message>
    <message>
        <source>Pull a model</source>
        <translation>Télécharger un modèle</translation>
    </message>
    <message>
        <source>Pull a Model</source>
        <translation>Télécharger un modèle</translation>
    </message>
    <message>
        <source>Close; pulls go on, and the status bar shows them</source>
        <translation>Fermer&#xa0;; les téléchargements continuent et la barre d&apos;état les affiche</translation>
    </message>
    <message>
        <source>Close the pull panel</source>
        <translation>Fermer le panneau de téléchargement</translation>
    </message>
    <message>
        <source>Model to pull</source>
        <translation>Modèle à télécharger</translation>
    </message>
    <message>
        <source>Any model name, e.g. llama3.2:3b</source>
        <translation>N&apos;importe quel nom de modèle, p. ex. llama3.2:3b</translation>
    </message>
    <message>
        <source>Host to pull on</source>
        <translation>Hôte de destination</translation>
    </message>
    <message>
        <source>Pull</source>
        <translation>Télécharger</translation>
    </message>
    <message>
        <source>Download the model to the host (Enter)</source>
        <translation>Télécharger le modèle sur l&apos;hôte (Entrée)</translation>
    </message>
    <message>
        <source>Common models — click one to fill in its name; any name from ollama.com/library works.</source>
        <translation>Modèles courants — cliquez sur l&apos;un d&apos;eux pour remplir son nom&#xa0;; tout nom figurant sur ollama.com/library convient.</translation>
    </message>
    <message>
        <source>Common models</source>
        <translation>Modèles courants</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Pulls</source>
        <translation>Téléchargements</translation>
    </message>
    <message>
        <source>No pulls yet. A pull goes on when you close this panel, and continues after a restart.</source>
        <translation>Aucun téléchargement pour l&apos;instant. Un téléchargement continue quand vous fermez ce panneau, et reprend après un redémarrage.</translation>
    </message>
    <message>
        <source>%1 (offline)</source>
        <translation>%1 (hors ligne)</translation>
    </message>
    <message>
        <source>Type the name of a model, or click one of the common models.</source>
        <translation>Saisissez le nom d&apos;un modèle ou cliquez sur l&apos;un des modèles courants.</translation>
    </message>
    <message>
        <source>A model name has no spaces, e.g. llama3.2:3b.</source>
        <translation>Un nom de modèle ne contient pas d&apos;espace, p. ex. llama3.2:3b.</translation>
    </message>
    <message>
        <source>The task list is still opening; try again in a moment.</source>
        <translation>La liste des tâches est encore en cours d&apos;ouverture&#xa0;; réessayez dans un instant.</translation>
    </message>
    <message>
        <source>The host “%1” is not answering, so it cannot download now. Pick another host or start Ollama there.</source>
        <translation>L&apos;hôte «&#xa0;%1&#xa0;» ne répond pas et ne peut donc pas télécharger pour le moment. Choisissez un autre hôte ou démarrez Ollama sur celui-ci.</translation>
    </message>
    <message>
        <source>%1 is already being pulled on %2.</source>
        <translation>%1 est déjà en cours de téléchargement sur %2.</translation>
    </message>
    <message>
        <source>%1 is installed on %2 already; pulling it again fetches updates.</source>
        <translation>%1 est déjà installé sur %2&#xa0;; le télécharger à nouveau récupère les mises à jour.</translation>
    </message>
    <message>
        <source>The pull could not be started: %1</source>
        <translation>Le téléchargement n&apos;a pas pu démarrer&#xa0;: %1</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <source>Remove it from this list</source>
        <translation>Retirer de cette liste</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <source>Waiting for another pull on this host to finish…</source>
        <translation>En attente de la fin d&apos;un autre téléchargement sur cet hôte…</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
    <message>
        <source>✓ Pulled: %1 is ready to use.</source>
        <translation>✓ Téléchargé&#xa0;: %1 est prêt à l&apos;emploi.</translation>
    </message>
    <message>
        <source>Cancelled. Pull it again to continue where it stopped.</source>
        <translation>Annulé. Relancez le téléchargement pour reprendre là où il s&apos;est arrêté.</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Échec&#xa0;: %1</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>erreur inconnue</translation>
    </message>
    <message>
        <source>Interrupted (%1). Resume continues the download.</source>
        <translation>Interrompu (%1). «&#xa0;Reprendre&#xa0;» poursuit le téléchargement.</translation>
    </message>
    <message>
        <source>Roundtable closed</source>
        <translation>Roundtable fermé</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Stop the download; pulling again later continues it</source>
        <translation>Arrêter le téléchargement&#xa0;; le relancer plus tard le reprendra là où il s&apos;est arrêté</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reprendre</translation>
    </message>
    <message>
        <source>Continue the download</source>
        <translation>Poursuivre le téléchargement</translation>
    </message>
    <message>
        <source>Pull Again</source>
        <translation>Télécharger à nouveau</translation>
    </message>
    <message>
        <source>Start the pull again; Ollama keeps what it downloaded</source>
        <translation>Relancer le téléchargement&#xa0;; Ollama conserve ce qu&apos;il a déjà téléchargé</translation>
    </message>
    <message>
        <source>%1  %2%  of %3</source>
        <translation>%1  %2&#xa0;%  sur %3</translation>
    </message>
    <message>
        <source>Layers:
%1</source>
        <translation>Couches&#xa0;:
%1</translation>
    </message>
</context>
<context>
    <name>rt::ui::QrCodeWidget</name>
    <message>
        <source>QR code of the viewer link</source>
        <translation>Code QR du lien spectateur</translation>
    </message>
    <message>
        <source>Scan it with a phone camera to open the viewer</source>
        <translation>Scannez-le avec l&apos;appareil photo d&apos;un téléphone pour ouvrir la vue spectateur</translation>
    </message>
</context>
<context>
    <name>rt::ui::RemoteTableWindow</name>
    <message>
        <source>Connect to a Remote Table</source>
        <translation>Se connecter à une table distante</translation>
    </message>
    <message>
        <source>Paste the viewer link of the other Roundtable (its Settings → Local Server, or what “roundtable serve” prints). You will watch its debates; you cannot change them.</source>
        <translation>Collez le lien spectateur de l&apos;autre Roundtable (dans ses Paramètres → Serveur local, ou celui qu&apos;affiche «&#xa0;roundtable serve&#xa0;»). Vous verrez ses débats sans pouvoir les modifier.</translation>
    </message>
    <message>
        <source>Not a Viewer Link</source>
        <translation>Lien spectateur non valide</translation>
    </message>
    <message>
        <source>Remote Table — %1:%2</source>
        <translation>Table distante — %1:%2</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>Debates at that table</source>
        <translation>Débats à cette table</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>Se déconnecter</translation>
    </message>
    <message>
        <source>Stop watching and close this window (Ctrl+W)</source>
        <translation>Arrêter de suivre et fermer cette fenêtre (Ctrl+W)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Read-only&lt;/b&gt;</source>
        <translation>&lt;b&gt;Lecture seule&lt;/b&gt;</translation>
    </message>
    <message>
        <source>You are watching another Roundtable; only its user can pause, stop or add notes.</source>
        <translation>Vous regardez un autre Roundtable&#xa0;; seul son utilisateur peut mettre en pause, arrêter ou ajouter des notes.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>No debate yet: waiting for one to start</source>
        <translation>Aucun débat pour l&apos;instant&#xa0;: en attente du démarrage d&apos;un débat</translation>
    </message>
    <message>
        <source> (%1)</source>
        <translation> (%1)</translation>
    </message>
    <message>
        <source>%1 (running)</source>
        <translation>%1 (en cours)</translation>
    </message>
</context>
<context>
    <name>rt::ui::SearchResultModel</name>
    <message>
        <source>You</source>
        <translation>Vous</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>Assistant</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Discussion</translation>
    </message>
    <message>
        <source>Debate</source>
        <translation>Débat</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1: %2 — %3: %4</source>
        <translation>%1&#xa0;: %2 — %3&#xa0;: %4</translation>
    </message>
    <message>
        <source>DEBATE</source>
        <translation>DÉBAT</translation>
    </message>
    <message>
        <source>CHAT</source>
        <translation>DISCUSSION</translation>
    </message>
    <message>
        <source>(untitled)</source>
        <translation>(sans titre)</translation>
    </message>
</context>
<context>
    <name>rt::ui::SeatCard</name>
    <message>
        <source>Seat %1: %2</source>
        <translation>Siège %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>en attente</translation>
    </message>
    <message>
        <source>● speaking</source>
        <translation>● parle</translation>
    </message>
    <message>
        <source>✓ done</source>
        <translation>✓ terminé</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>passé</translation>
    </message>
    <message>
        <source>✕ failed</source>
        <translation>✕ échec</translation>
    </message>
    <message>
        <source>◐ partial</source>
        <translation>◐ partiel</translation>
    </message>
    <message>
        <source>What %1 says</source>
        <translation>Ce que dit %1</translation>
    </message>
    <message>
        <source>Waiting for the first turn…</source>
        <translation>En attente de la première intervention…</translation>
    </message>
    <message>
        <source>confidence %p%</source>
        <translation>confiance %p&#xa0;%</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>Confiance</translation>
    </message>
    <message>
        <source>↻ changed position</source>
        <translation>↻ a changé de position</translation>
    </message>
    <message>
        <source>&lt;b&gt;Answer:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Réponse&#xa0;:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>agrees with %1</source>
        <translation>d&apos;accord avec %1</translation>
    </message>
    <message>
        <source>disagrees with %1</source>
        <translation>en désaccord avec %1</translation>
    </message>
    <message>
        <source>stopped before the end; the text so far is kept</source>
        <translation>arrêté avant la fin&#xa0;; le texte déjà produit est conservé</translation>
    </message>
</context>
<context>
    <name>rt::ui::SeatChart</name>
    <message>
        <source>Tokens and time per turn of each seat</source>
        <translation>Jetons et temps par intervention de chaque siège</translation>
    </message>
    <message>
        <source>Tokens generated per seat</source>
        <translation>Jetons générés par siège</translation>
    </message>
    <message>
        <source>Seconds per turn of each seat, by round</source>
        <translation>Secondes par intervention de chaque siège, par tour</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>jetons</translation>
    </message>
    <message>
        <source>round</source>
        <translation>tour</translation>
    </message>
    <message>
        <source>s</source>
        <translation>s</translation>
    </message>
</context>
<context>
    <name>rt::ui::SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Changes are saved as you make them.</source>
        <translation>Les modifications sont enregistrées au fur et à mesure.</translation>
    </message>
    <message>
        <source>&amp;Test Connection</source>
        <translation>&amp;Tester la connexion</translation>
    </message>
    <message>
        <source>✗ %1</source>
        <translation>✗ %1</translation>
    </message>
    <message>
        <source>✓ %1</source>
        <translation>✓ %1</translation>
    </message>
    <message>
        <source>Ollama</source>
        <translation>Ollama</translation>
    </message>
    <message>
        <source>Where the models run. Requests go to a host that has the model; a host that fails is rested until it answers again.</source>
        <translation>Là où tournent les modèles. Les requêtes vont à un hôte qui dispose du modèle&#xa0;; un hôte en échec est mis au repos jusqu&apos;à ce qu&apos;il réponde à nouveau.</translation>
    </message>
    <message>
        <source>&amp;Manage Hosts…</source>
        <translation>&amp;Gérer les hôtes…</translation>
    </message>
    <message>
        <source>Add, edit or remove hosts and see their models (Models page).</source>
        <translation>Ajouter, modifier ou retirer des hôtes et voir leurs modèles (page Modèles).</translation>
    </message>
    <message>
        <source>The last model used</source>
        <translation>Le dernier modèle utilisé</translation>
    </message>
    <message>
        <source>Default model</source>
        <translation>Modèle par défaut</translation>
    </message>
    <message>
        <source>Default &amp;model:</source>
        <translation>&amp;Modèle par défaut&#xa0;:</translation>
    </message>
    <message>
        <source>The chat starts with it (instead of the model used last), and debate seats and agents without a model of their own use it.</source>
        <translation>La discussion démarre avec ce modèle (au lieu du dernier utilisé), et les sièges de débat et les agents sans modèle propre l&apos;utilisent.</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Base de données</translation>
    </message>
    <message>
        <source>Every chat, debate, agent and task is kept here. A SQLite file needs no setup; a PostgreSQL server lets a team share one history.</source>
        <translation>Chaque discussion, débat, agent et tâche est conservé ici. Un fichier SQLite ne demande aucune configuration&#xa0;; un serveur PostgreSQL permet à une équipe de partager un même historique.</translation>
    </message>
    <message>
        <source>Database location</source>
        <translation>Emplacement de la base de données</translation>
    </message>
    <message>
        <source>Default file (%1)</source>
        <translation>Fichier par défaut (%1)</translation>
    </message>
    <message>
        <source>A SQLite file path, or postgresql://user:password@host:5432/database</source>
        <translation>Chemin d&apos;un fichier SQLite, ou postgresql://user:password@host:5432/database</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Parcourir…</translation>
    </message>
    <message>
        <source>Choose a SQLite file.</source>
        <translation>Choisir un fichier SQLite.</translation>
    </message>
    <message>
        <source>SQLite Database File</source>
        <translation>Fichier de base de données SQLite</translation>
    </message>
    <message>
        <source>SQLite databases (*.sqlite *.db);;All files (*)</source>
        <translation>Bases de données SQLite (*.sqlite *.db);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Connect without changing anything and report the server version, or the exact error.</source>
        <translation>Se connecter sans rien modifier et indiquer la version du serveur, ou l&apos;erreur exacte.</translation>
    </message>
    <message>
        <source>&amp;Use This Database</source>
        <translation>&amp;Utiliser cette base de données</translation>
    </message>
    <message>
        <source>Save it as the database for the next start (test it first).</source>
        <translation>L&apos;enregistrer comme base de données pour le prochain démarrage (testez-la d&apos;abord).</translation>
    </message>
    <message>
        <source>&amp;Restart Now</source>
        <translation>&amp;Redémarrer maintenant</translation>
    </message>
    <message>
        <source>&amp;Back Up Now…</source>
        <translation>&amp;Sauvegarder maintenant…</translation>
    </message>
    <message>
        <source>Copy the database to a new file while Roundtable keeps running (SQLite VACUUM INTO).</source>
        <translation>Copier la base de données dans un nouveau fichier pendant que Roundtable continue de tourner (SQLite VACUUM INTO).</translation>
    </message>
    <message>
        <source>A new database location applies after Roundtable restarts; nothing is copied or moved.</source>
        <translation>Un nouvel emplacement de base de données s&apos;applique après le redémarrage de Roundtable&#xa0;; rien n&apos;est copié ni déplacé.</translation>
    </message>
    <message>
        <source>Appearance and language</source>
        <translation>Apparence et langue</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>Comme le système</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Clair</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Sombre</translation>
    </message>
    <message>
        <source>System size</source>
        <translation>Taille du système</translation>
    </message>
    <message>
        <source> pt</source>
        <translation> pt</translation>
    </message>
    <message>
        <source>Transcript font size</source>
        <translation>Taille de police des échanges</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>&amp;Thème&#xa0;:</translation>
    </message>
    <message>
        <source>Transcript &amp;font size:</source>
        <translation>Taille de &amp;police des échanges&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Langue&#xa0;:</translation>
    </message>
    <message>
        <source>Local Server</source>
        <translation>Serveur local</translation>
    </message>
    <message>
        <source>Serves /metrics to Prometheus, /health to monitors and a read-only live view of your debates to anyone with the viewer link, while Roundtable runs. Off unless you turn it on; only this computer can connect unless you choose all networks.</source>
        <translation>Fournit /metrics à Prometheus, /health aux outils de supervision et une vue en direct, en lecture seule, de vos débats à toute personne disposant du lien spectateur, tant que Roundtable est ouvert. Désactivé sauf si vous l&apos;activez&#xa0;; seul cet ordinateur peut s&apos;y connecter, sauf si vous choisissez tous les réseaux.</translation>
    </message>
    <message>
        <source>&amp;Run the local server</source>
        <translation>&amp;Activer le serveur local</translation>
    </message>
    <message>
        <source>Server port</source>
        <translation>Port du serveur</translation>
    </message>
    <message>
        <source>This computer only (127.0.0.1)</source>
        <translation>Cet ordinateur uniquement (127.0.0.1)</translation>
    </message>
    <message>
        <source>All networks (0.0.0.0)</source>
        <translation>Tous les réseaux (0.0.0.0)</translation>
    </message>
    <message>
        <source>Listen on</source>
        <translation>Écouter sur</translation>
    </message>
    <message>
        <source>Bearer token</source>
        <translation>Jeton d&apos;accès</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Copier</translation>
    </message>
    <message>
        <source>Copy the token to the clipboard.</source>
        <translation>Copier le jeton d&apos;accès dans le presse-papiers.</translation>
    </message>
    <message>
        <source>&amp;New Token</source>
        <translation>&amp;Nouveau jeton</translation>
    </message>
    <message>
        <source>Make a new token; scrapers with the old one are refused from now on.</source>
        <translation>Générer un nouveau jeton d&apos;accès&#xa0;; les collecteurs qui utilisent l&apos;ancien sont refusés dès maintenant.</translation>
    </message>
    <message>
        <source>Let this computer read /metrics &amp;without the token</source>
        <translation>Autoriser cet ordinateur à lire /metrics &amp;sans le jeton d&apos;accès</translation>
    </message>
    <message>
        <source>Copy &amp;Prometheus Job</source>
        <translation>Copier le job &amp;Prometheus</translation>
    </message>
    <message>
        <source>Copy a scrape_configs entry for prometheus.yml with this address and token.</source>
        <translation>Copier une entrée scrape_configs pour prometheus.yml avec cette adresse et ce jeton d&apos;accès.</translation>
    </message>
    <message>
        <source>Show my &amp;debates to viewers with the link (read-only)</source>
        <translation>Montrer mes &amp;débats aux spectateurs du lien (lecture seule)</translation>
    </message>
    <message>
        <source>Chats are shown only when you share one (the share button above a conversation).</source>
        <translation>Les discussions ne sont montrées que si vous en partagez une (bouton de partage au-dessus d&apos;une conversation).</translation>
    </message>
    <message>
        <source>Most viewers at once</source>
        <translation>Nombre maximal de spectateurs simultanés</translation>
    </message>
    <message>
        <source>Shown while the server runs</source>
        <translation>Affiché pendant que le serveur tourne</translation>
    </message>
    <message>
        <source>Viewer link</source>
        <translation>Lien spectateur</translation>
    </message>
    <message>
        <source>Copy &amp;Link</source>
        <translation>Copier le &amp;lien</translation>
    </message>
    <message>
        <source>Copy the viewer link; it changes each time the server starts.</source>
        <translation>Copier le lien spectateur&#xa0;; il change à chaque démarrage du serveur.</translation>
    </message>
    <message>
        <source>Op&amp;en</source>
        <translation>&amp;Ouvrir</translation>
    </message>
    <message>
        <source>Open the viewer page in your browser</source>
        <translation>Ouvrir la page spectateur dans votre navigateur</translation>
    </message>
    <message>
        <source>PEM certificate file (optional: https and wss)</source>
        <translation>Fichier de certificat PEM (facultatif&#xa0;: https et wss)</translation>
    </message>
    <message>
        <source>TLS certificate</source>
        <translation>Certificat TLS</translation>
    </message>
    <message>
        <source>PEM private key file</source>
        <translation>Fichier de clé privée PEM</translation>
    </message>
    <message>
        <source>TLS private key</source>
        <translation>Clé privée TLS</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt *.key);;All files (*)</source>
        <translation>Fichiers PEM (*.pem *.crt *.key);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port&#xa0;:</translation>
    </message>
    <message>
        <source>Listen &amp;on:</source>
        <translation>É&amp;couter sur&#xa0;:</translation>
    </message>
    <message>
        <source>Metrics &amp;token:</source>
        <translation>&amp;Jeton d&apos;accès&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Viewer link:</source>
        <translation>Lien &amp;spectateur&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Most viewers:</source>
        <translation>Spectateurs &amp;max.&#xa0;:</translation>
    </message>
    <message>
        <source>TLS &amp;certificate:</source>
        <translation>&amp;Certificat TLS&#xa0;:</translation>
    </message>
    <message>
        <source>TLS Certificate</source>
        <translation>Certificat TLS</translation>
    </message>
    <message>
        <source>TLS &amp;key:</source>
        <translation>C&amp;lé TLS&#xa0;:</translation>
    </message>
    <message>
        <source>TLS Private Key</source>
        <translation>Clé privée TLS</translation>
    </message>
    <message>
        <source>Not running.</source>
        <translation>Inactif.</translation>
    </message>
    <message>
        <source>Metrics and Health</source>
        <translation>Métriques et état</translation>
    </message>
    <message>
        <source>When a host counts as degraded on the Metrics page and at /health, and how long the charts&apos; history is kept.</source>
        <translation>Quand un hôte est considéré comme dégradé sur la page Métriques et sur /health, et combien de temps l&apos;historique des graphiques est conservé.</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>Failed requests that make a host degraded</source>
        <translation>Taux de requêtes en échec à partir duquel un hôte est dégradé</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>First-token time that makes a host degraded</source>
        <translation>Délai du premier jeton à partir duquel un hôte est dégradé</translation>
    </message>
    <message>
        <source>Time window for host health</source>
        <translation>Fenêtre de temps pour l&apos;état des hôtes</translation>
    </message>
    <message>
        <source>How often samples are stored</source>
        <translation>Fréquence d&apos;enregistrement des échantillons</translation>
    </message>
    <message>
        <source> days</source>
        <translation> jours</translation>
    </message>
    <message>
        <source>How long samples are kept</source>
        <translation>Durée de conservation des échantillons</translation>
    </message>
    <message>
        <source>Degraded when &amp;failed requests exceed:</source>
        <translation>Dégradé si les requêtes en é&amp;chec dépassent&#xa0;:</translation>
    </message>
    <message>
        <source>…or first tokens (p95) take &amp;longer than:</source>
        <translation>…ou si les premiers jetons (p95) prennent &amp;plus de&#xa0;:</translation>
    </message>
    <message>
        <source>…within the last:</source>
        <translation>…sur une fenêtre de&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Store chart samples every:</source>
        <translation>&amp;Enregistrer les échantillons toutes les&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Keep them for:</source>
        <translation>&amp;Conserver pendant&#xa0;:</translation>
    </message>
    <message>
        <source>A host that does not answer is down; one that comes back starts with a clean slate.</source>
        <translation>Un hôte qui ne répond pas est hors service&#xa0;; un hôte qui revient repart de zéro.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
    <message>
        <source>● Serving on %1 — %1/metrics (Prometheus), %1/health and the viewer link.%2</source>
        <translation>● En service sur %1 — %1/metrics (Prometheus), %1/health et le lien spectateur.%2</translation>
    </message>
    <message>
        <source> Other machines reach it at this computer&apos;s address, with the token.</source>
        <translation> Les autres machines y accèdent via l&apos;adresse de cet ordinateur, avec le jeton d&apos;accès.</translation>
    </message>
    <message>
        <source> Only this computer can open the viewer link; choose all networks to share it.</source>
        <translation> Seul cet ordinateur peut ouvrir le lien spectateur&#xa0;; choisissez tous les réseaux pour le partager.</translation>
    </message>
    <message>
        <source>This run uses --theme %1; the choice here is saved for the next start and applies now.</source>
        <translation>Cette session utilise --theme %1&#xa0;; le choix fait ici est enregistré pour le prochain démarrage et s&apos;applique dès maintenant.</translation>
    </message>
    <message>
        <source>online</source>
        <translation>en ligne</translation>
    </message>
    <message>
        <source>down</source>
        <translation>hors service</translation>
    </message>
    <message>
        <source>checking</source>
        <translation>vérification</translation>
    </message>
    <message>
        <source>No hosts.</source>
        <translation>Aucun hôte.</translation>
    </message>
    <message>
        <source>This run uses only --ollama-host %1; the saved hosts apply when Roundtable starts without it.</source>
        <translation>Cette session utilise uniquement --ollama-host %1&#xa0;; les hôtes enregistrés s&apos;appliquent quand Roundtable démarre sans cette option.</translation>
    </message>
    <message>
        <source>opening…</source>
        <translation>ouverture…</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>en cours d&apos;utilisation</translation>
    </message>
    <message>
        <source>could not be opened: %1 — a temporary database stands in until restart</source>
        <translation>ouverture impossible&#xa0;: %1 — une base de données temporaire la remplace jusqu&apos;au redémarrage</translation>
    </message>
    <message>
        <source>Now: %1 (%2)</source>
        <translation>Actuelle&#xa0;: %1 (%2)</translation>
    </message>
    <message>
        <source>This run uses --db %1; the setting below applies when Roundtable starts without it.</source>
        <translation>Cette session utilise --db %1&#xa0;; le paramètre ci-dessous s&apos;applique quand Roundtable démarre sans cette option.</translation>
    </message>
    <message>
        <source>This run uses $ROUNDTABLE_DB (%1); the setting below applies when it is not set.</source>
        <translation>Cette session utilise $ROUNDTABLE_DB (%1)&#xa0;; le paramètre ci-dessous s&apos;applique quand cette variable n&apos;est pas définie.</translation>
    </message>
    <message>
        <source>PostgreSQL databases are backed up with the server&apos;s tools (pg_dump).</source>
        <translation>Les bases de données PostgreSQL se sauvegardent avec les outils du serveur (pg_dump).</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>Test en cours…</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connexion à %1…</translation>
    </message>
    <message>
        <source>Saved. Roundtable opens %1 from the next start.</source>
        <translation>Enregistré. Roundtable ouvrira %1 au prochain démarrage.</translation>
    </message>
    <message>
        <source>Back Up the Database</source>
        <translation>Sauvegarder la base de données</translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>Sauvegarde en cours…</translation>
    </message>
    <message>
        <source>✓ Saved to %1</source>
        <translation>✓ Enregistré dans %1</translation>
    </message>
    <message>
        <source>Roundtable will speak %1 after a restart.</source>
        <translation>Langue après redémarrage&#xa0;: %1.</translation>
    </message>
    <message>
        <source>The window&apos;s language. The command line follows the system&apos;s (LANGUAGE, LC_ALL, LANG).</source>
        <translation>La langue de la fenêtre. La ligne de commande suit celle du système (LANGUAGE, LC_ALL, LANG).</translation>
    </message>
    <message>
        <source>Restart No&amp;w</source>
        <translation>Redémarrer &amp;maintenant</translation>
    </message>
    <message>
        <source>Close the window and open it again in the chosen language (running debates are asked about first).</source>
        <translation>Fermer la fenêtre et la rouvrir dans la langue choisie (une question est d&apos;abord posée pour les débats en cours).</translation>
    </message>
</context>
<context>
    <name>rt::ui::ShortcutsDialog</name>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message>
        <source>Filter, e.g. “debate” or “Ctrl+N”</source>
        <translation>Filtrer, p. ex. «&#xa0;débat&#xa0;» ou «&#xa0;Ctrl+N&#xa0;»</translation>
    </message>
    <message>
        <source>Filter shortcuts</source>
        <translation>Filtrer les raccourcis</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Touches</translation>
    </message>
    <message>
        <source>In a chat</source>
        <translation>Dans une discussion</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>Envoyer le message</translation>
    </message>
    <message>
        <source>New line in the message</source>
        <translation>Nouvelle ligne dans le message</translation>
    </message>
    <message>
        <source>Previous / next conversation</source>
        <translation>Conversation précédente / suivante</translation>
    </message>
    <message>
        <source>Rename the conversation</source>
        <translation>Renommer la conversation</translation>
    </message>
    <message>
        <source>In a debate</source>
        <translation>Dans un débat</translation>
    </message>
    <message>
        <source>Pause or resume</source>
        <translation>Mettre en pause ou reprendre</translation>
    </message>
    <message>
        <source>Interject (Enter sends)</source>
        <translation>Intervenir (Entrée envoie)</translation>
    </message>
    <message>
        <source>Stop the debate</source>
        <translation>Arrêter le débat</translation>
    </message>
    <message>
        <source>Start (in New Debate)</source>
        <translation>Lancer (dans Nouveau débat)</translation>
    </message>
    <message>
        <source>In lists</source>
        <translation>Dans les listes</translation>
    </message>
    <message>
        <source>Open the selected item</source>
        <translation>Ouvrir l&apos;élément sélectionné</translation>
    </message>
    <message>
        <source>Delete, cancel or dismiss the selected item</source>
        <translation>Supprimer, annuler ou écarter l&apos;élément sélectionné</translation>
    </message>
</context>
<context>
    <name>rt::ui::TaskIndicator</name>
    <message>
        <source>Running tasks</source>
        <translation>Tâches en cours</translation>
    </message>
    <message numerus="yes">
        <source>%n debate(s)</source>
        <translation>
            <numerusform>%n débat</numerusform>
            <numerusform>%n débats</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pull(s)</source>
        <translation>
            <numerusform>%n téléchargement</numerusform>
            <numerusform>%n téléchargements</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n task(s)</source>
        <translation>
            <numerusform>%n tâche</numerusform>
            <numerusform>%n tâches</numerusform>
        </translation>
    </message>
    <message>
        <source>⟳ %1 · %2</source>
        <translation>⟳ %1 · %2</translation>
    </message>
    <message>
        <source>%1
Click to see it.</source>
        <translation>%1
Cliquez pour l&apos;afficher.</translation>
    </message>
</context>
<context>
    <name>rt::ui::TaskListModel</name>
    <message>
        <source>Queued</source>
        <translation>En attente</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>En cours</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>En pause</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Terminée</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échouée</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulée</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>Interrompue</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>Debate</source>
        <translation>Débat</translation>
    </message>
    <message>
        <source>Model pull</source>
        <translation>Téléchargement de modèle</translation>
    </message>
    <message>
        <source>Running in another Roundtable process (pid %1 on %2).</source>
        <translation>En cours dans un autre processus Roundtable (pid %1 sur %2).</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>%1 (elsewhere)</source>
        <translation>%1 (ailleurs)</translation>
    </message>
    <message>
        <source>100%</source>
        <translation>100&#xa0;%</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1&#xa0;%</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Tâche</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progression</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Hôte</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>Durée</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
</context>
<context>
    <name>rt::ui::TasksPage</name>
    <message>
        <source>Show &amp;finished</source>
        <translation>Afficher les &amp;terminées</translation>
    </message>
    <message>
        <source>&amp;Cancel Task</source>
        <translation>&amp;Annuler la tâche</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>Mettre en &amp;pause</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Reprendre</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>&amp;Ouvrir</translation>
    </message>
    <message>
        <source>C&amp;lear Finished</source>
        <translation>&amp;Effacer les terminées</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>Tâches</translation>
    </message>
    <message>
        <source>No tasks yet. Debates and model pulls run here as tasks: you can close their pages, and follow, cancel or resume them from this list.</source>
        <translation>Aucune tâche pour l&apos;instant. Les débats et les téléchargements de modèles s&apos;exécutent ici sous forme de tâches&#xa0;: vous pouvez fermer leurs pages, puis les suivre, les annuler ou les reprendre depuis cette liste.</translation>
    </message>
    <message>
        <source>Stop the selected task (Delete). An interrupted task is dismissed.</source>
        <translation>Arrêter la tâche sélectionnée (Suppr). Une tâche interrompue est abandonnée.</translation>
    </message>
    <message>
        <source>Show the debate or the model this task works on (Enter).</source>
        <translation>Afficher le débat ou le modèle concerné par cette tâche (Entrée).</translation>
    </message>
    <message>
        <source>Remove finished tasks from the list and the database.</source>
        <translation>Retirer les tâches terminées de la liste et de la base de données.</translation>
    </message>
    <message>
        <source>Could not cancel “%1”: %2</source>
        <translation>Impossible d&apos;annuler «&#xa0;%1&#xa0;»&#xa0;: %2</translation>
    </message>
    <message>
        <source>Could not pause “%1”: %2</source>
        <translation>Impossible de mettre en pause «&#xa0;%1&#xa0;»&#xa0;: %2</translation>
    </message>
    <message>
        <source>Could not resume “%1”: %2</source>
        <translation>Impossible de reprendre «&#xa0;%1&#xa0;»&#xa0;: %2</translation>
    </message>
    <message>
        <source>Loading tasks…</source>
        <translation>Chargement des tâches…</translation>
    </message>
    <message>
        <source>Nothing running. Tick “Show finished” to see recent tasks.</source>
        <translation>Aucune tâche en cours. Cochez «&#xa0;Afficher les terminées&#xa0;» pour voir les tâches récentes.</translation>
    </message>
    <message numerus="yes">
        <source>%n running or waiting</source>
        <translation>
            <numerusform>%n en cours ou en attente</numerusform>
            <numerusform>%n en cours ou en attente</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n interrupted, can resume</source>
        <translation>
            <numerusform>%n interrompue, reprise possible</numerusform>
            <numerusform>%n interrompues, reprise possible</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Dismiss</source>
        <translation>A&amp;bandonner</translation>
    </message>
    <message>
        <source>Contin&amp;ue</source>
        <translation>&amp;Continuer</translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation>&amp;Réessayer</translation>
    </message>
    <message>
        <source>Continue “%1” from where it stopped.</source>
        <translation>Reprendre «&#xa0;%1&#xa0;» là où la tâche s&apos;est arrêtée.</translation>
    </message>
    <message>
        <source>It is running.</source>
        <translation>La tâche est en cours.</translation>
    </message>
    <message>
        <source>Only interrupted or failed tasks can be resumed.</source>
        <translation>Seules les tâches interrompues ou en échec peuvent être reprises.</translation>
    </message>
    <message>
        <source>Select a task to see its details.</source>
        <translation>Sélectionnez une tâche pour voir ses détails.</translation>
    </message>
    <message>
        <source> on host &lt;b&gt;%1&lt;/b&gt;</source>
        <translation> sur l&apos;hôte &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>created %1</source>
        <translation>créée le %1</translation>
    </message>
    <message>
        <source>started %1</source>
        <translation>démarrée le %1</translation>
    </message>
    <message>
        <source>finished %1</source>
        <translation>terminée le %1</translation>
    </message>
    <message>
        <source>Running in another Roundtable process (pid %1 on %2); Cancel asks it to stop.</source>
        <translation>En cours dans un autre processus Roundtable (pid %1 sur %2)&#xa0;; «&#xa0;Annuler la tâche&#xa0;» lui demande de s&apos;arrêter.</translation>
    </message>
    <message>
        <source>Resume continues it from the last saved point.</source>
        <translation>«&#xa0;Reprendre&#xa0;» la relance depuis le dernier point enregistré.</translation>
    </message>
</context>
</TS>
