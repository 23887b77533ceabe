<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>QObject</name>
    <message>
        <source>“%1” is not a viewer link: it looks like http://HOST:PORT/?token=TOKEN (Settings → Local Server, or what roundtable serve prints).</source>
        <translation>„%1“ ist kein Zuschauer-Link: Ein solcher sieht aus wie http://HOST:PORT/?token=TOKEN (Einstellungen → Lokaler Server oder Ausgabe von roundtable serve).</translation>
    </message>
    <message>
        <source>The viewer link has no token (…/?token=TOKEN): copy the whole link.</source>
        <translation>Der Zuschauer-Link enthält kein Token (…/?token=TOKEN): den ganzen Link kopieren.</translation>
    </message>
</context>
<context>
    <name>rt</name>
    <message>
        <source>The operation was abandoned before it finished.</source>
        <translation>Der Vorgang wurde abgebrochen, bevor er abgeschlossen war.</translation>
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
        <translation>Agent %1 („%2“)</translation>
    </message>
    <message>
        <source>“fallback_models” must be a list of model names</source>
        <translation>„fallback_models“ muss eine Liste von Modellnamen sein</translation>
    </message>
    <message>
        <source>The agents file is not valid JSON (%1 at byte %2); nothing was imported.</source>
        <translation>Die Agentendatei ist kein gültiges JSON (%1 bei Byte %2); es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>The agents file has an invalid “version”; nothing was imported.</source>
        <translation>Die Agentendatei hat eine ungültige „version“; es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>The agents file uses format version %1, newer than this Roundtable understands (%2); update Roundtable to import it.</source>
        <translation>Die Agentendatei verwendet die Formatversion %1, die neuer ist als die von diesem Roundtable unterstützte (%2); zum Importieren Roundtable aktualisieren.</translation>
    </message>
    <message>
        <source>“agents” in the agents file must be a list; nothing was imported.</source>
        <translation>„agents“ muss in der Agentendatei eine Liste sein; es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>The file does not contain agents (expected {&quot;version&quot;:1,&quot;agents&quot;:[...]}); nothing was imported.</source>
        <translation>Die Datei enthält keine Agenten (erwartet: {&quot;version&quot;:1,&quot;agents&quot;:[...]}); es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>The agents file contains no agents; nothing was imported.</source>
        <translation>Die Agentendatei enthält keine Agenten; es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>Agent %1 in the file is not a JSON object; nothing was imported.</source>
        <translation>Agent %1 in der Datei ist kein JSON-Objekt; es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>%1 in the file is invalid: %2; nothing was imported.</source>
        <translation>%1 in der Datei ist ungültig: %2; es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>There is no agent with id %1; it may have been deleted.</source>
        <translation>Es gibt keinen Agenten mit der ID %1; möglicherweise wurde er gelöscht.</translation>
    </message>
    <message>
        <source>An agent named “%1” already exists; choose another name.</source>
        <translation>Ein Agent namens „%1“ existiert bereits; einen anderen Namen wählen.</translation>
    </message>
    <message>
        <source>“%1” is a built-in agent and cannot be deleted; duplicate it to make your own version, or reset it to its default.</source>
        <translation>„%1“ ist ein integrierter Agent und kann nicht gelöscht werden; ihn duplizieren, um eine eigene Version anzulegen, oder auf den Standard zurücksetzen.</translation>
    </message>
    <message>
        <source>“%1” is not a built-in agent, so it has no default to reset to.</source>
        <translation>„%1“ ist kein integrierter Agent und hat daher keinen Standard, auf den er zurückgesetzt werden könnte.</translation>
    </message>
    <message>
        <source>Cannot reset “%1”: another agent is named “%2”; rename that agent first.</source>
        <translation>„%1“ kann nicht zurückgesetzt werden: Ein anderer Agent heißt „%2“; diesen zuerst umbenennen.</translation>
    </message>
    <message>
        <source>%1: the file contains this name twice; nothing was imported.</source>
        <translation>%1: Die Datei enthält diesen Namen zweimal; es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>%1: an agent with this name already exists; nothing was imported. Import with renaming or replacing instead.</source>
        <translation>%1: Ein Agent mit diesem Namen existiert bereits; es wurde nichts importiert. Stattdessen mit Umbenennen oder Ersetzen importieren.</translation>
    </message>
    <message>
        <source>%1: %2 Nothing was imported.</source>
        <translation>%1: %2 Es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>The agent needs a name.</source>
        <translation>Der Agent braucht einen Namen.</translation>
    </message>
    <message>
        <source>The name “%1…” is too long; use at most %2 characters.</source>
        <translation>Der Name „%1…“ ist zu lang; höchstens %2 Zeichen verwenden.</translation>
    </message>
    <message>
        <source>The name “%1” contains control characters; use plain text.</source>
        <translation>Der Name „%1“ enthält Steuerzeichen; nur einfachen Text verwenden.</translation>
    </message>
    <message>
        <source>The description is too long; use at most %1 characters.</source>
        <translation>Die Beschreibung ist zu lang; höchstens %1 Zeichen verwenden.</translation>
    </message>
    <message>
        <source>The role prompt has %1 characters, more than the %2 allowed; shorten it.</source>
        <translation>Der Rollen-Prompt hat %1 Zeichen, mehr als die zulässigen %2; bitte kürzen.</translation>
    </message>
    <message>
        <source>The temperature must be between 0 and 2 (it is %1).</source>
        <translation>Die Temperatur muss zwischen 0 und 2 liegen (aktuell %1).</translation>
    </message>
    <message>
        <source>The context length (num_ctx) must be between 256 and %1 tokens (it is %2).</source>
        <translation>Die Kontextlänge (num_ctx) muss zwischen 256 und %1 Token liegen (aktuell %2).</translation>
    </message>
    <message>
        <source>The vote weight must be between 0 and %1 (it is %2).</source>
        <translation>Das Stimmgewicht muss zwischen 0 und %1 liegen (aktuell %2).</translation>
    </message>
    <message>
        <source>The colour “%1” is not a #RRGGBB value such as #1E88E5.</source>
        <translation>Die Farbe „%1“ ist kein #RRGGBB-Wert wie #1E88E5.</translation>
    </message>
    <message>
        <source>Too many fallback models (%1); keep at most %2.</source>
        <translation>Zu viele Ersatzmodelle (%1); höchstens %2 behalten.</translation>
    </message>
    <message>
        <source>A fallback model name is empty; remove it or enter a model name.</source>
        <translation>Ein Ersatzmodell hat keinen Namen; es entfernen oder einen Modellnamen eingeben.</translation>
    </message>
    <message>
        <source>The model “%1” is not installed on any connected Ollama host; pull it (roundtable models pull %1) or choose another.</source>
        <translation>Das Modell „%1“ ist auf keinem verbundenen Ollama-Host installiert; es herunterladen (roundtable models pull %1) oder ein anderes wählen.</translation>
    </message>
    <message>
        <source>The fallback model “%1” is not installed on any connected Ollama host.</source>
        <translation>Das Ersatzmodell „%1“ ist auf keinem verbundenen Ollama-Host installiert.</translation>
    </message>
    <message>
        <source>The role prompt (about %1 tokens) does not fit the model&apos;s %2-token context; shorten it or choose a model with a longer context.</source>
        <translation>Der Rollen-Prompt (etwa %1 Token) passt nicht in den Kontext des Modells von %2 Token; ihn kürzen oder ein Modell mit längerem Kontext wählen.</translation>
    </message>
    <message>
        <source>The role prompt (about %1 tokens) takes more than half of the %2-token context, leaving little room for the debate; shorten it or raise num_ctx.</source>
        <translation>Der Rollen-Prompt (etwa %1 Token) belegt mehr als die Hälfte des Kontexts von %2 Token und lässt wenig Raum für die Debatte; ihn kürzen oder num_ctx erhöhen.</translation>
    </message>
    <message>
        <source>Saving the agents returned an unexpected answer from the database; try again.</source>
        <translation>Beim Speichern der Agenten hat die Datenbank unerwartet geantwortet; erneut versuchen.</translation>
    </message>
    <message>
        <source>“%1” must be text</source>
        <extracomment>Why an agent in an agents file cannot be imported; %1 is a key of the file (not translated)</extracomment>
        <translation>„%1“ muss Text sein</translation>
    </message>
    <message>
        <source>“%1” must be a list of model names</source>
        <translation>„%1“ muss eine Liste von Modellnamen sein</translation>
    </message>
    <message>
        <source>“%1” must be an object</source>
        <translation>„%1“ muss ein Objekt sein</translation>
    </message>
    <message>
        <source>“%1” must be a number</source>
        <translation>„%1“ muss eine Zahl sein</translation>
    </message>
    <message>
        <source>it has no “name”</source>
        <extracomment>Why an agent in an agents file cannot be imported</extracomment>
        <translation>„name“ fehlt</translation>
    </message>
    <message>
        <source>the option “%1” must be a number</source>
        <extracomment>Why an agent in an agents file cannot be imported; %1 is an option key such as num_ctx</extracomment>
        <translation>die Option „%1“ muss eine Zahl sein</translation>
    </message>
    <message>
        <source>the option “%1” must be a whole number</source>
        <extracomment>Why an agent in an agents file cannot be imported; %1 is an option key such as num_ctx</extracomment>
        <translation>die Option „%1“ muss eine ganze Zahl sein</translation>
    </message>
    <message>
        <source>top_p must be between 0 and 1 (it is %1).</source>
        <extracomment>top_p is an option name (not translated); %1 is the value given</extracomment>
        <translation>top_p muss zwischen 0 und 1 liegen (aktuell %1).</translation>
    </message>
    <message>
        <source>top_k must be 0 or more (it is %1).</source>
        <extracomment>top_k is an option name (not translated); %1 is the value given</extracomment>
        <translation>top_k muss 0 oder größer sein (aktuell %1).</translation>
    </message>
    <message>
        <source>num_predict must be -1 (no limit), -2 (fill the context) or a positive number of tokens (it is %1).</source>
        <extracomment>num_predict is an option name (not translated); %1 is the value given</extracomment>
        <translation>num_predict muss -1 (keine Grenze), -2 (Kontext füllen) oder eine positive Anzahl Token sein (aktuell %1).</translation>
    </message>
    <message>
        <source>num_predict is 0, so the agent would never say anything; use -1 for no limit.</source>
        <extracomment>num_predict is an option name (not translated)</extracomment>
        <translation>num_predict ist 0, daher würde der Agent nie etwas sagen; -1 für keine Grenze verwenden.</translation>
    </message>
</context>
<context>
    <name>rt::cli</name>
    <message>
        <source>Send a prompt to a model and stream the reply</source>
        <translation>Einen Prompt an ein Modell senden und die Antwort streamen</translation>
    </message>
    <message>
        <source>Manage models: list, show, ps, pull, rm</source>
        <translation>Modelle verwalten: list, show, ps, pull, rm</translation>
    </message>
    <message>
        <source>Manage Ollama hosts: list, add, rm, check</source>
        <translation>Ollama-Hosts verwalten: list, add, rm, check</translation>
    </message>
    <message>
        <source>Long work as tasks: list, show, cancel, resume</source>
        <translation>Lange Vorgänge als Aufgaben: list, show, cancel, resume</translation>
    </message>
    <message>
        <source>Let several agents debate a question; --resume an interrupted one</source>
        <translation>Mehrere Agenten über eine Frage debattieren lassen; --resume setzt eine unterbrochene fort</translation>
    </message>
    <message>
        <source>Compare a single agent, a vote and a debate on questions with known answers</source>
        <translation>Einzelnen Agenten, Abstimmung und Debatte an Fragen mit bekannten Antworten vergleichen</translation>
    </message>
    <message>
        <source>Manage agents: list, show, add, edit, rm, import, export</source>
        <translation>Agenten verwalten: list, show, add, edit, rm, import, export</translation>
    </message>
    <message>
        <source>List, show, search, export and import stored chats and debates</source>
        <translation>Gespeicherte Chats und Debatten auflisten, anzeigen, durchsuchen, exportieren und importieren</translation>
    </message>
    <message>
        <source>Check or back up the database</source>
        <translation>Datenbank prüfen oder sichern</translation>
    </message>
    <message>
        <source>Run the local server: /metrics for Prometheus, /health and live viewers</source>
        <translation>Lokalen Server ausführen: /metrics für Prometheus, /health und Live-Zuschauer</translation>
    </message>
    <message>
        <source>Print stored metric samples (table, --json or --prometheus)</source>
        <translation>Gespeicherte Messwerte ausgeben (Tabelle, --json oder --prometheus)</translation>
    </message>
    <message>
        <source>Watch a live debate of another Roundtable from its viewer link (read-only)</source>
        <translation>Eine laufende Debatte eines anderen Roundtable über dessen Zuschauer-Link verfolgen (nur lesen)</translation>
    </message>
    <message>
        <source>Qt:</source>
        <translation>Qt:</translation>
    </message>
    <message>
        <source>%1 (built with %2)</source>
        <translation>%1 (kompiliert mit %2)</translation>
    </message>
    <message>
        <source>Build:</source>
        <translation>Build:</translation>
    </message>
    <message>
        <source>System:</source>
        <translation>System:</translation>
    </message>
    <message>
        <source>SQL drivers:</source>
        <translation>SQL-Treiber:</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Sprache:</translation>
    </message>
    <message>
        <source>%1 (system locale %2)</source>
        <translation>%1 (Gebietsschema des Systems: %2)</translation>
    </message>
    <message>
        <source>Settings:</source>
        <translation>Einstellungen:</translation>
    </message>
    <message>
        <source>Data folder:</source>
        <translation>Datenordner:</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>Datenbank:</translation>
    </message>
    <message>
        <source>Qt plugins:</source>
        <translation>Qt-Plugins:</translation>
    </message>
    <message>
        <source>Qt translations:</source>
        <translation>Qt-Übersetzung:</translation>
    </message>
    <message>
        <source>Commands (roundtable COMMAND --help for details):</source>
        <translation>Befehle (Details mit roundtable COMMAND --help):</translation>
    </message>
    <message>
        <source>Exit codes: 0 ok, 1 other failure, 2 usage error, 3 Ollama unreachable, 4 model not found,
5 stream failed or truncated, 130 cancelled.</source>
        <translation>Exit-Codes: 0 OK, 1 sonstiger Fehler, 2 Aufruffehler, 3 Ollama nicht erreichbar, 4 Modell nicht gefunden,
5 Stream fehlgeschlagen oder abgeschnitten, 130 abgebrochen.</translation>
    </message>
    <message>
        <source>Unknown command &quot;%1&quot;. Run roundtable --help for the list.</source>
        <translation>Unbekannter Befehl „%1“. roundtable --help zeigt die Liste.</translation>
    </message>
    <message>
        <source>No display found, so the window cannot open. Use a command such as &apos;roundtable chat --model NAME &quot;hello&quot;&apos;, or run under xvfb-run, or set QT_QPA_PLATFORM=offscreen. See roundtable --help.</source>
        <translation>Keine Anzeige gefunden, daher kann sich das Fenster nicht öffnen. Einen Befehl wie „roundtable chat --model NAME &quot;hallo&quot;“ verwenden, unter xvfb-run ausführen oder QT_QPA_PLATFORM=offscreen setzen. Siehe roundtable --help.</translation>
    </message>
    <message>
        <source>Roundtable: seat several local AI agents at one table and let them debate.</source>
        <translation>Roundtable: mehrere lokale KI-Agenten an einen Tisch setzen und debattieren lassen.</translation>
    </message>
    <message>
        <source>Optional subcommand; without one the window opens.</source>
        <translation>Optionaler Unterbefehl; ohne ihn öffnet sich das Fenster.</translation>
    </message>
</context>
<context>
    <name>rt::cli::agents</name>
    <message>
        <source>There is no agent &quot;%1&quot;. Known agents: %2.</source>
        <translation>Es gibt keinen Agenten „%1“. Bekannte Agenten: %2.</translation>
    </message>
    <message>
        <source>--agents names no agent.</source>
        <translation>--agents nennt keinen Agenten.</translation>
    </message>
    <message>
        <source>given with --model</source>
        <translation>mit --model angegeben</translation>
    </message>
    <message>
        <source>the default model in the settings</source>
        <translation>das Standardmodell aus den Einstellungen</translation>
    </message>
    <message>
        <source>the last model used</source>
        <translation>das zuletzt verwendete Modell</translation>
    </message>
    <message>
        <source>the first chat model installed on %1</source>
        <translation>das erste auf %1 installierte Chat-Modell</translation>
    </message>
    <message>
        <source>No chat model is installed, so the agents without a model cannot speak. Pull one with: roundtable models pull llama3.2:1b</source>
        <translation>Es ist kein Chat-Modell installiert, daher können die Agenten ohne Modell nicht sprechen. Eines herunterladen mit: roundtable models pull llama3.2:1b</translation>
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
        <translation>Die in der Datenbank gespeicherten Agenten (Teilnehmer der Debatten) verwalten.

  list                      Agenten auflisten (integrierte zuerst)
  show NAME|ID              einen Agenten mit seinem Rollen-Prompt anzeigen
  add --name NAME [...]     einen Agenten anlegen (siehe Optionen unten)
  edit NAME|ID [...]        einen Agenten ändern; nur die angegebenen Optionen ändern sich
  rm NAME|ID                einen Agenten löschen (integrierte lassen sich nicht löschen)
  duplicate NAME|ID [--name NEW]  einen Agenten kopieren, z. B. für eine eigene Version eines integrierten
  reset NAME|ID             einen integrierten Agenten auf den Auslieferungszustand zurücksetzen
  import FILE|-             Agenten aus JSON importieren (alle oder keinen)
  export [NAME|ID...]       Agenten als JSON ausgeben (alle, wenn keiner angegeben ist)</translation>
    </message>
    <message>
        <source>Agent name (unique, ignoring case).</source>
        <translation>Name des Agenten (eindeutig, ohne Beachtung der Groß-/Kleinschreibung).</translation>
    </message>
    <message>
        <source>Role key (moderator, skeptic, ... or custom).</source>
        <translation>Rollenschlüssel (moderator, skeptic, ... oder ein eigener).</translation>
    </message>
    <message>
        <source>One-line description.</source>
        <translation>Einzeilige Beschreibung.</translation>
    </message>
    <message>
        <source>Model, e.g. llama3.2:1b (empty: the debate&apos;s default model).</source>
        <translation>Modell, z. B. llama3.2:1b (leer: Standardmodell der Debatte).</translation>
    </message>
    <message>
        <source>Fallback models, comma-separated, tried in order when the model is missing or failing (empty clears).</source>
        <translation>Ersatzmodelle, durch Kommas getrennt; werden der Reihe nach versucht, wenn das Modell fehlt oder versagt (leer: keine).</translation>
    </message>
    <message>
        <source>Role prompt text.</source>
        <translation>Text des Rollen-Prompts.</translation>
    </message>
    <message>
        <source>Read the role prompt from a file.</source>
        <translation>Den Rollen-Prompt aus einer Datei lesen.</translation>
    </message>
    <message>
        <source>Sampling temperature, 0 to 2 (&quot;default&quot; unsets).</source>
        <translation>Sampling-Temperatur, 0 bis 2 („default“ setzt sie zurück).</translation>
    </message>
    <message>
        <source>Random seed (&quot;default&quot; unsets).</source>
        <translation>Zufalls-Seed („default“ setzt ihn zurück).</translation>
    </message>
    <message>
        <source>Context length in tokens (&quot;default&quot; unsets).</source>
        <translation>Kontextlänge in Token („default“ setzt sie zurück).</translation>
    </message>
    <message>
        <source>Maximum tokens per reply, -1 for no limit (&quot;default&quot; unsets).</source>
        <translation>Maximale Token pro Antwort, -1 für keine Grenze („default“ setzt sie zurück).</translation>
    </message>
    <message>
        <source>Colour as #RRGGBB.</source>
        <translation>Farbe als #RRGGBB.</translation>
    </message>
    <message>
        <source>Emoji or icon name.</source>
        <translation>Emoji oder Symbolname.</translation>
    </message>
    <message>
        <source>Vote weight in the consensus, 0 to 10.</source>
        <translation>Stimmgewicht im Konsens, 0 bis 10.</translation>
    </message>
    <message>
        <source>add: start from a built-in role (its prompt, options and colour).</source>
        <translation>add: von einer integrierten Rolle ausgehen (ihrem Prompt, ihren Optionen und ihrer Farbe).</translation>
    </message>
    <message>
        <source>Print JSON.</source>
        <translation>JSON ausgeben.</translation>
    </message>
    <message>
        <source>export: write to a file instead of stdout.</source>
        <translation>export: in eine Datei statt auf stdout schreiben.</translation>
    </message>
    <message>
        <source>import: give agents whose name is taken a new name.</source>
        <translation>import: Agenten mit bereits vergebenem Namen umbenennen.</translation>
    </message>
    <message>
        <source>import: overwrite agents whose name is taken.</source>
        <translation>import: Agenten mit bereits vergebenem Namen überschreiben.</translation>
    </message>
    <message>
        <source>--%1 needs a number, not “%2”.</source>
        <extracomment>%1 is an option name, %2 the value given</extracomment>
        <translation>--%1 braucht eine Zahl, nicht „%2“.</translation>
    </message>
    <message>
        <source>Give the role prompt either with --system or with --system-file, not both.</source>
        <translation>Den Rollen-Prompt entweder mit --system oder mit --system-file angeben, nicht mit beiden.</translation>
    </message>
    <message>
        <source>Cannot read the role prompt from %1: %2.</source>
        <extracomment>%1 is a file name, %2 the reason from the system</extracomment>
        <translation>Der Rollen-Prompt kann nicht aus %1 gelesen werden: %2.</translation>
    </message>
    <message>
        <source>--weight needs a number, not “%1”.</source>
        <translation>--weight braucht eine Zahl, nicht „%1“.</translation>
    </message>
    <message>
        <source>(model default)</source>
        <translation>(Standard des Modells)</translation>
    </message>
    <message>
        <source>Id:</source>
        <translation>ID:</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>%1 (built-in)</source>
        <translation>%1 (integriert)</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>Rolle:</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>Beschreibung:</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modell:</translation>
    </message>
    <message>
        <source>(the debate&apos;s default model)</source>
        <translation>(Standardmodell der Debatte)</translation>
    </message>
    <message>
        <source>Fallbacks:</source>
        <translation>Ersatzmodelle:</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>Temperatur:</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>Seed:</translation>
    </message>
    <message>
        <source>Context:</source>
        <translation>Kontext:</translation>
    </message>
    <message>
        <source>Max tokens:</source>
        <translation>Max. Token:</translation>
    </message>
    <message>
        <source>Other options:</source>
        <translation>Sonstiges:</translation>
    </message>
    <message>
        <source>Colour:</source>
        <translation>Farbe:</translation>
    </message>
    <message>
        <source>Avatar:</source>
        <translation>Avatar:</translation>
    </message>
    <message>
        <source>Weight:</source>
        <translation>Stimmgewicht:</translation>
    </message>
    <message>
        <source>Role prompt:</source>
        <translation>Rollen-Prompt:</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Warnung: %1</translation>
    </message>
    <message>
        <source>list, show, add, edit, rm, duplicate, reset, import or export</source>
        <translation>list, show, add, edit, rm, duplicate, reset, import oder export</translation>
    </message>
    <message>
        <source>Agent name or id (show, edit, rm, duplicate, reset), file (import)</source>
        <translation>Name oder ID des Agenten (show, edit, rm, duplicate, reset), Datei (import)</translation>
    </message>
    <message>
        <source>Unknown agents action “%1”. Use one of: %2.</source>
        <translation>Unbekannte agents-Aktion „%1“. Eine davon verwenden: %2.</translation>
    </message>
    <message>
        <source>Name the file to import (or - for standard input): roundtable agents import FILE</source>
        <translation>Die zu importierende Datei angeben (oder - für die Standardeingabe): roundtable agents import FILE</translation>
    </message>
    <message>
        <source>Name the agent: roundtable agents %1 NAME|ID</source>
        <translation>Den Agenten angeben: roundtable agents %1 NAME|ID</translation>
    </message>
    <message>
        <source>A new agent needs a name: roundtable agents add --name NAME [--model MODEL] [--system TEXT]</source>
        <translation>Ein neuer Agent braucht einen Namen: roundtable agents add --name NAME [--model MODEL] [--system TEXT]</translation>
    </message>
    <message>
        <source>Use either --rename or --replace, not both.</source>
        <translation>Entweder --rename oder --replace verwenden, nicht beide.</translation>
    </message>
    <message>
        <source>There is no agent “%1”; see roundtable agents list.</source>
        <translation>Es gibt keinen Agenten „%1“; siehe roundtable agents list.</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NAME</translation>
    </message>
    <message>
        <source>ROLE</source>
        <translation>ROLLE</translation>
    </message>
    <message>
        <source>MODEL</source>
        <translation>MODELL</translation>
    </message>
    <message>
        <source>DESCRIPTION</source>
        <translation>BESCHREIBUNG</translation>
    </message>
    <message>
        <source>(default)</source>
        <translation>(Standard)</translation>
    </message>
    <message>
        <source>* built-in: can be edited, duplicated and reset, not deleted.</source>
        <translation>* integriert: kann bearbeitet, dupliziert und zurückgesetzt, aber nicht gelöscht werden.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2.</source>
        <extracomment>%1 is a file name, %2 the reason from the system</extracomment>
        <translation>%1 kann nicht geschrieben werden: %2.</translation>
    </message>
    <message>
        <source>Exported %1 agents to %2.</source>
        <extracomment>%1 is the number of agents (the same form for any number, 1 included), %2 a file name</extracomment>
        <translation>Agenten nach %2 exportiert: %1.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2.</source>
        <extracomment>%1 is a file name, %2 the reason from the system</extracomment>
        <translation>%1 kann nicht gelesen werden: %2.</translation>
    </message>
    <message>
        <source>Imported 1 agent: %1</source>
        <extracomment>%1 is the name of the agent</extracomment>
        <translation>1 Agent importiert: %1</translation>
    </message>
    <message>
        <source>Imported %1 agents: %2</source>
        <extracomment>%1 is the number of agents (never 1), %2 their names</extracomment>
        <translation>%1 Agenten importiert: %2</translation>
    </message>
    <message>
        <source>Deleted agent “%1”.</source>
        <translation>Agent „%1“ gelöscht.</translation>
    </message>
    <message>
        <source>Restored “%1” to its default.</source>
        <translation>„%1“ auf den Standard zurückgesetzt.</translation>
    </message>
    <message>
        <source>Created “%1” (id %2) from “%3”.</source>
        <extracomment>%1 is the new agent&apos;s name, %2 its id, %3 the name of the agent it was copied from</extracomment>
        <translation>„%1“ (ID %2) aus „%3“ erstellt.</translation>
    </message>
    <message>
        <source>There is no built-in role “%1”; use one of: %2.</source>
        <translation>Es gibt keine integrierte Rolle „%1“; eine davon verwenden: %2.</translation>
    </message>
    <message>
        <source>Created agent “%1” (id %2).</source>
        <translation>Agent „%1“ (ID %2) erstellt.</translation>
    </message>
    <message>
        <source>Saved agent “%1”.</source>
        <translation>Agent „%1“ gespeichert.</translation>
    </message>
</context>
<context>
    <name>rt::cli::chat</name>
    <message>
        <source>Send PROMPT to a model and stream the reply to stdout.</source>
        <translation>PROMPT an ein Modell senden und die Antwort auf stdout streamen.</translation>
    </message>
    <message>
        <source>Model to use, e.g. llama3.2:1b (required).</source>
        <translation>Zu verwendendes Modell, z. B. llama3.2:1b (erforderlich).</translation>
    </message>
    <message>
        <source>System prompt.</source>
        <translation>System-Prompt.</translation>
    </message>
    <message>
        <source>Print one JSON object with the text and metrics at the end instead of streaming.</source>
        <translation>Statt zu streamen am Ende ein JSON-Objekt mit Text und Metriken ausgeben.</translation>
    </message>
    <message>
        <source>Sampling temperature (0-2).</source>
        <translation>Sampling-Temperatur (0-2).</translation>
    </message>
    <message>
        <source>Random seed for reproducible replies.</source>
        <translation>Zufalls-Seed für reproduzierbare Antworten.</translation>
    </message>
    <message>
        <source>Context window in tokens.</source>
        <translation>Kontextfenster in Token.</translation>
    </message>
    <message>
        <source>Maximum tokens to generate.</source>
        <translation>Maximal zu erzeugende Token.</translation>
    </message>
    <message>
        <source>Ask a thinking model to think first (shown on stderr).</source>
        <translation>Ein Modell mit Denkmodus zuerst nachdenken lassen (Ausgabe auf stderr).</translation>
    </message>
    <message>
        <source>&quot;json&quot;, or a JSON schema (inline or @file).</source>
        <translation>„json“ oder ein JSON-Schema (direkt oder als @file).</translation>
    </message>
    <message>
        <source>Continue stored conversation ID (see roundtable history list).</source>
        <translation>Gespeicherte Unterhaltung ID fortsetzen (siehe roundtable history list).</translation>
    </message>
    <message>
        <source>Do not store this exchange in the history.</source>
        <translation>Diesen Austausch nicht im Verlauf speichern.</translation>
    </message>
    <message>
        <source>The message to send (words are joined).</source>
        <translation>Die zu sendende Nachricht (Wörter werden zusammengefügt).</translation>
    </message>
    <message>
        <source>Missing --model NAME. List the installed models with: roundtable models list</source>
        <translation>--model NAME fehlt. Die installierten Modelle auflisten mit: roundtable models list</translation>
    </message>
    <message>
        <source>Missing the prompt: roundtable chat --model NAME &quot;your question&quot;</source>
        <translation>Der Prompt fehlt: roundtable chat --model NAME &quot;Ihre Frage&quot;</translation>
    </message>
    <message>
        <source>--conversation needs an id from &apos;roundtable history list&apos;.</source>
        <translation>--conversation braucht eine ID aus „roundtable history list“.</translation>
    </message>
    <message>
        <source>--conversation and --no-save cannot be combined.</source>
        <translation>--conversation und --no-save lassen sich nicht kombinieren.</translation>
    </message>
    <message>
        <source>This chat will not be saved (see above). Use --no-save to chat without the history.</source>
        <translation>Dieser Chat wird nicht gespeichert (siehe oben). Mit --no-save ohne Verlauf chatten.</translation>
    </message>
    <message>
        <source>Cannot read the schema file %1: %2</source>
        <extracomment>%1 is a file name, %2 the reason from the system</extracomment>
        <translation>Die Schemadatei %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>--format must be &quot;json&quot; or a JSON schema object.</source>
        <translation>--format muss „json“ oder ein JSON-Schema-Objekt sein.</translation>
    </message>
    <message>
        <source>Waiting for %1 to start answering (it may be loading)...</source>
        <extracomment>%1 is a model name</extracomment>
        <translation>Warten, bis %1 zu antworten beginnt (das Modell wird eventuell geladen)...</translation>
    </message>
    <message>
        <source>%1 Retrying (%2) in %3 ms.</source>
        <extracomment>%1 is the reason (a whole sentence), %2 the attempt number, %3 the delay in milliseconds</extracomment>
        <translation>%1 Neuer Versuch (%2) in %3 ms.</translation>
    </message>
    <message>
        <source>The reply could not be saved: %1</source>
        <translation>Die Antwort konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <extracomment>%1 is a warning from the model server</extracomment>
        <translation>Warnung: %1</translation>
    </message>
</context>
<context>
    <name>rt::cli::common</name>
    <message>
        <source>Ollama server URL (default: $OLLAMA_HOST, settings, http://127.0.0.1:11434).</source>
        <translation>URL des Ollama-Servers (Standard: $OLLAMA_HOST, Einstellungen, http://127.0.0.1:11434).</translation>
    </message>
    <message>
        <source>Print debug output to stderr.</source>
        <translation>Debug-Ausgaben auf stderr schreiben.</translation>
    </message>
    <message>
        <source>Database: a SQLite file path or postgresql://user:pass@host:port/db (default: $ROUNDTABLE_DB, then the one chosen in Settings, then the app data folder).</source>
        <translation>Datenbank: Pfad zu einer SQLite-Datei oder postgresql://user:pass@host:port/db (Standard: $ROUNDTABLE_DB, dann die in den Einstellungen gewählte, dann der Datenordner der App).</translation>
    </message>
    <message>
        <source>%1 (see --help)</source>
        <extracomment>%1 is Qt&apos;s description of the command-line error</extracomment>
        <translation>%1 (siehe --help)</translation>
    </message>
    <message>
        <source>--ollama-host &quot;%1&quot; is not a valid Ollama host: %2</source>
        <extracomment>%1 is the value given, %2 the reason it is not valid</extracomment>
        <translation>--ollama-host „%1“ ist kein gültiger Ollama-Host: %2</translation>
    </message>
    <message>
        <source>--%1 must be a number from %2 to %3.</source>
        <extracomment>%1 is an option name (such as temperature), %2 and %3 the lowest and highest value allowed</extracomment>
        <translation>--%1 muss eine Zahl von %2 bis %3 sein.</translation>
    </message>
    <message numerus="yes">
        <source>Note: %n message(s) or debate(s) left unfinished by an earlier crash were marked interrupted.</source>
        <translation>
            <numerusform>Hinweis: %n Nachricht oder Debatte, die bei einem früheren Absturz unvollendet blieb, wurde als unterbrochen markiert.</numerusform>
            <numerusform>Hinweis: %n Nachrichten oder Debatten, die bei einem früheren Absturz unvollendet blieben, wurden als unterbrochen markiert.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::cli::db</name>
    <message>
        <source>Check the database for damage (SQLite: PRAGMA integrity_check, foreign keys and the search index). Exit code 1 when a problem is found.</source>
        <translation>Die Datenbank auf Schäden prüfen (SQLite: PRAGMA integrity_check, Fremdschlüssel und Suchindex). Exit-Code 1, wenn ein Problem gefunden wird.</translation>
    </message>
    <message>
        <source>The database %1 has problems:</source>
        <extracomment>%1 is the database file or address</extracomment>
        <translation>Die Datenbank %1 hat Probleme:</translation>
    </message>
    <message>
        <source>Restore a backup (roundtable db backup FILE makes one), or copy what you can with &apos;roundtable history export&apos;.</source>
        <translation>Eine Sicherung wiederherstellen (roundtable db backup FILE erstellt eine) oder mit „roundtable history export“ retten, was sich retten lässt.</translation>
    </message>
    <message>
        <source>Database %1: OK</source>
        <extracomment>%1 is the database file or address</extracomment>
        <translation>Datenbank %1: OK</translation>
    </message>
    <message>
        <source>  schema %1 · conversations: %2 · messages: %3 · debates: %4 · debate turns: %5 · agents: %6 · tasks: %7</source>
        <extracomment>%1 is the schema version; the others are counts. Keep the two leading spaces.</extracomment>
        <translation>  Schema %1 · Unterhaltungen: %2 · Nachrichten: %3 · Debatten: %4 · Debattenbeiträge: %5 · Agenten: %6 · Aufgaben: %7</translation>
    </message>
    <message>
        <source>  size on disk %1</source>
        <extracomment>%1 is a size such as 1.2 MB. Keep the two leading spaces.</extracomment>
        <translation>  Größe auf dem Datenträger: %1</translation>
    </message>
    <message>
        <source>Write a consistent copy of the SQLite database to FILE, even while Roundtable is running.</source>
        <translation>Eine konsistente Kopie der SQLite-Datenbank nach FILE schreiben, auch während Roundtable läuft.</translation>
    </message>
    <message>
        <source>Where to write the backup (must not exist yet).</source>
        <translation>Ziel der Sicherung (darf noch nicht existieren).</translation>
    </message>
    <message>
        <source>Give the backup file, e.g. roundtable db backup ~/roundtable-backup.sqlite</source>
        <translation>Die Sicherungsdatei angeben, z. B. roundtable db backup ~/roundtable-backup.sqlite</translation>
    </message>
    <message>
        <source>Backup written to %1</source>
        <translation>Sicherung nach %1 geschrieben</translation>
    </message>
    <message>
        <source>Usage: roundtable db COMMAND [--db PATH|URL]
  check         verify the database (exit 1 on damage)
  backup FILE   online backup of a SQLite database</source>
        <translation>Aufruf: roundtable db COMMAND [--db PATH|URL]
  check         Datenbank prüfen (Exit-Code 1 bei Schäden)
  backup FILE   Online-Sicherung einer SQLite-Datenbank</translation>
    </message>
    <message>
        <source>Unknown db command &quot;%1&quot;.</source>
        <translation>Unbekannter db-Befehl „%1“.</translation>
    </message>
</context>
<context>
    <name>rt::cli::debate</name>
    <message>
        <source>The question to debate (required unless --resume).</source>
        <translation>Die zu debattierende Frage (erforderlich, außer mit --resume).</translation>
    </message>
    <message>
        <source>Agents by name or id, comma-separated; NAME=MODEL sets the model (e.g. Skeptic=qwen3:0.6b,Pragmatist,Domain expert). Default: Proponent,Skeptic,Pragmatist.</source>
        <translation>Agenten nach Name oder ID, durch Kommas getrennt; NAME=MODEL legt das Modell fest (z. B. Skeptic=qwen3:0.6b,Pragmatist,Domain expert). Standard: Proponent,Skeptic,Pragmatist.</translation>
    </message>
    <message>
        <source>simultaneous (default), round-robin, adversarial, council or vote.</source>
        <translation>simultaneous (Standard), round-robin, adversarial, council oder vote.</translation>
    </message>
    <message>
        <source>Maximum rounds, 1-10 (default 3; for vote: answers per agent, default 1).</source>
        <translation>Höchstzahl der Runden, 1-10 (Standard 3; bei vote: Antworten pro Agent, Standard 1).</translation>
    </message>
    <message>
        <source>Stop when this share of confidence-weighted support agrees (default 0.8).</source>
        <translation>Anhalten, wenn dieser Anteil der nach Zuversicht gewichteten Zustimmung übereinstimmt (Standard 0.8).</translation>
    </message>
    <message>
        <source>Print one JSON document with every turn, stance, round and the result at the end.</source>
        <translation>Am Ende ein JSON-Dokument mit allen Beiträgen, Positionen, Runden und dem Ergebnis ausgeben.</translation>
    </message>
    <message>
        <source>Continue debate ID from its last finished turn.</source>
        <translation>Debatte ID ab ihrem letzten fertigen Beitrag fortsetzen.</translation>
    </message>
    <message>
        <source>Model for agents that have none (default: the last model used).</source>
        <translation>Modell für Agenten ohne eigenes (Standard: das zuletzt verwendete Modell).</translation>
    </message>
    <message>
        <source>Base seed, for repeatable debates.</source>
        <translation>Basis-Seed für wiederholbare Debatten.</translation>
    </message>
    <message>
        <source>Stop when nobody changed position this many rounds in a row (default 1; 0 = never).</source>
        <translation>Anhalten, wenn so viele Runden in Folge niemand seine Position geändert hat (Standard 1; 0 = nie).</translation>
    </message>
    <message>
        <source>Stop after this many tokens (prompt + generated).</source>
        <translation>Nach so vielen Token anhalten (Prompt + erzeugt).</translation>
    </message>
    <message>
        <source>Stop after this many seconds.</source>
        <translation>Nach so vielen Sekunden anhalten.</translation>
    </message>
    <message>
        <source>Agreement intensity 0-10: how readily agents adopt others&apos; views.</source>
        <translation>Zustimmungsneigung 0-10: wie bereitwillig Agenten die Ansichten anderer übernehmen.</translation>
    </message>
    <message>
        <source>Upper bound on generated tokens per turn (default 1024).</source>
        <translation>Obergrenze der erzeugten Token pro Beitrag (Standard 1024).</translation>
    </message>
    <message>
        <source>Model for grouping free-text answers (default: any installed embedding model; &quot;none&quot;).</source>
        <translation>Modell zum Gruppieren von Freitextantworten (Standard: ein beliebiges installiertes Embedding-Modell; „none“ für keines).</translation>
    </message>
    <message>
        <source>Skip the synthesiser&apos;s summary at the end.</source>
        <translation>Die abschließende Zusammenfassung des Synthese-Autors überspringen.</translation>
    </message>
    <message>
        <source>Run the turns of a round that do not see each other at once, as the window does (each turn is printed when it ends).</source>
        <translation>Die Beiträge einer Runde, die einander nicht sehen, gleichzeitig ausführen, wie im Fenster (jeder Beitrag wird ausgegeben, sobald er endet).</translation>
    </message>
    <message>
        <source>Moderator note added before the first turn (repeatable).</source>
        <translation>Moderatorhinweis, der vor dem ersten Beitrag eingefügt wird (wiederholbar).</translation>
    </message>
    <message>
        <source>Serve /metrics, /health and a live view for remote viewers (the viewers link is printed) on this port while the debate runs (0 = any free port).</source>
        <translation>Während der Debatte /metrics, /health und eine Live-Ansicht für entfernte Zuschauer auf diesem Port bereitstellen (der Zuschauer-Link wird ausgegeben; 0 = beliebiger freier Port).</translation>
    </message>
    <message>
        <source>With --serve: keep serving this many seconds after the debate ends (default 0).</source>
        <translation>Mit --serve: nach dem Ende der Debatte noch so viele Sekunden weiter bereitstellen (Standard 0).</translation>
    </message>
    <message>
        <source>Read standard input while the debate runs: each line is a moderator note added between turns; /pause, /resume and /stop control the debate.</source>
        <translation>Während der Debatte die Standardeingabe lesen: Jede Zeile ist ein Moderatorhinweis, der zwischen den Beiträgen eingefügt wird; /pause, /resume und /stop steuern die Debatte.</translation>
    </message>
    <message>
        <source>ranking: %1</source>
        <translation>Rangfolge: %1</translation>
    </message>
    <message>
        <source>no stance</source>
        <translation>keine Position</translation>
    </message>
    <message>
        <source>stance: %1</source>
        <extracomment>%1 is the answer an agent took</extracomment>
        <translation>Position: %1</translation>
    </message>
    <message>
        <source>Seat several agents at one table and let them debate a question. Prints the debate as it happens, then the consensus. Every finished turn is saved, so an interrupted debate can be continued with --resume ID.</source>
        <translation>Mehrere Agenten an einen Tisch setzen und über eine Frage debattieren lassen. Gibt die Debatte laufend aus, danach den Konsens. Jeder fertige Beitrag wird gespeichert, sodass sich eine unterbrochene Debatte mit --resume ID fortsetzen lässt.</translation>
    </message>
    <message>
        <source>--resume needs a debate id, e.g. --resume 12 (roundtable history list shows them).</source>
        <translation>--resume braucht eine Debatten-ID, z. B. --resume 12 (roundtable history list zeigt sie).</translation>
    </message>
    <message>
        <source>Note: %1 ignored; a resumed debate keeps its own settings.</source>
        <extracomment>%1 lists options, such as --rounds, --format</extracomment>
        <translation>Hinweis: %1 ignoriert; eine fortgesetzte Debatte behält ihre eigenen Einstellungen.</translation>
    </message>
    <message>
        <source>Missing --question TEXT, e.g. roundtable debate --question &quot;Is 91 prime?&quot; --agents Skeptic,Pragmatist --model llama3.2:1b</source>
        <translation>--question TEXT fehlt, z. B. roundtable debate --question &quot;Ist 91 eine Primzahl?&quot; --agents Skeptic,Pragmatist --model llama3.2:1b</translation>
    </message>
    <message>
        <source>Unknown --format &quot;%1&quot;: use simultaneous, round-robin, adversarial, council or vote.</source>
        <translation>Unbekanntes --format „%1“: simultaneous, round-robin, adversarial, council oder vote verwenden.</translation>
    </message>
    <message>
        <source>The task list could not be read (%1); the debate runs all the same.</source>
        <translation>Die Aufgabenliste konnte nicht gelesen werden (%1); die Debatte läuft trotzdem.</translation>
    </message>
    <message>
        <source>Unknown command %1: use /pause, /resume or /stop; any other line is a moderator note.</source>
        <translation>Unbekannter Befehl %1: /pause, /resume oder /stop verwenden; jede andere Zeile ist ein Moderatorhinweis.</translation>
    </message>
    <message>
        <source>Interrupted again; quitting now.</source>
        <translation>Erneut unterbrochen; wird jetzt beendet.</translation>
    </message>
    <message>
        <source>Interrupting: the turn in progress is kept as partial. Press Ctrl-C again to quit at once.</source>
        <translation>Wird unterbrochen: Der laufende Beitrag bleibt als unvollständig erhalten. Erneut Strg+C drücken, um sofort zu beenden.</translation>
    </message>
    <message>
        <source>Debate %1: %2</source>
        <extracomment>%1 is the debate id, %2 the question</extracomment>
        <translation>Debatte %1: %2</translation>
    </message>
    <message>
        <source>Seats: %1</source>
        <extracomment>%1 lists the agents with their models and roles</extracomment>
        <translation>Plätze: %1</translation>
    </message>
    <message numerus="yes">
        <source>Resuming: %n turn(s) already finished.</source>
        <translation>
            <numerusform>Fortsetzung: %n Beitrag bereits fertig.</numerusform>
            <numerusform>Fortsetzung: %n Beiträge bereits fertig.</numerusform>
        </translation>
    </message>
    <message>
        <source>Conclusion</source>
        <translation>Abschluss</translation>
    </message>
    <message>
        <source>Round %1 of %2 (%3)</source>
        <extracomment>%3 is the round&apos;s phase (not translated)</extracomment>
        <translation>Runde %1 von %2 (%3)</translation>
    </message>
    <message>
        <source>  (asked again) </source>
        <extracomment>The model is asked again for the same turn; its new reply follows on the same line</extracomment>
        <translation>  (erneut gefragt) </translation>
    </message>
    <message>
        <source>  ✎ Moderator: %1</source>
        <translation>  ✎ Moderator: %1</translation>
    </message>
    <message>
        <source>  ! %1</source>
        <translation>  ! %1</translation>
    </message>
    <message>
        <source>Paused. Type /resume to continue or /stop to end the debate.</source>
        <translation>Pausiert. /resume eingeben, um fortzufahren, oder /stop, um die Debatte zu beenden.</translation>
    </message>
    <message>
        <source>Continue later with: roundtable debate --resume %1</source>
        <translation>Später fortsetzen mit: roundtable debate --resume %1</translation>
    </message>
    <message>
        <source>Resumed.</source>
        <translation>Fortgesetzt.</translation>
    </message>
    <message>
        <source>Debate %1 interrupted. Continue with: roundtable debate --resume %1</source>
        <translation>Debatte %1 unterbrochen. Fortsetzen mit: roundtable debate --resume %1</translation>
    </message>
    <message>
        <source>The debate failed: %1</source>
        <translation>Die Debatte ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Answer:     %1</source>
        <translation>Antwort:    %1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>Stopped:    %1</source>
        <extracomment>%1 is why the debate stopped. Keep the labels of the result lines aligned.</extracomment>
        <translation>Beendet:    %1</translation>
    </message>
    <message>
        <source>Confidence: %1 (mean)</source>
        <translation>Zuversicht: %1 (Mittel)</translation>
    </message>
    <message>
        <source>Verdict:    %1</source>
        <translation>Urteil:     %1</translation>
    </message>
    <message>
        <source>Peer ranking (Borda): %1</source>
        <extracomment>%1 lists agents with their points</extracomment>
        <translation>Gegenseitige Rangfolge (Borda): %1</translation>
    </message>
    <message>
        <source>Dissent:    %1: %2</source>
        <extracomment>%1 is an agent name, %2 its answer</extracomment>
        <translation>Abweichend: %1: %2</translation>
    </message>
    <message>
        <source>Synthesis (%1): %2</source>
        <translation>Synthese (%1): %2</translation>
    </message>
    <message>
        <source>Saved as debate %1.</source>
        <translation>Als Debatte %1 gespeichert.</translation>
    </message>
    <message>
        <source>The debate could not start.</source>
        <translation>Die Debatte konnte nicht beginnen.</translation>
    </message>
    <message>
        <source>Debate %1</source>
        <translation>Debatte %1</translation>
    </message>
    <message>
        <source>The debate could not be started as a task: %1</source>
        <translation>Die Debatte konnte nicht als Aufgabe gestartet werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>Serving for %n more second(s); Ctrl-C stops.</source>
        <extracomment>The local server keeps serving after the debate ended</extracomment>
        <translation>
            <numerusform>Server läuft noch %n Sekunde; Strg+C beendet ihn.</numerusform>
            <numerusform>Server läuft noch %n Sekunden; Strg+C beendet ihn.</numerusform>
        </translation>
    </message>
    <message>
        <source>verdict: settled · winner %1 · answer %2</source>
        <extracomment>A judge&apos;s verdict: %1 is the winning agent, %2 the answer</extracomment>
        <translation>Urteil: entschieden · Sieger %1 · Antwort %2</translation>
    </message>
    <message>
        <source>verdict: not settled · winner %1 · answer %2</source>
        <extracomment>A judge&apos;s verdict: %1 is the agent judged best, %2 the answer</extracomment>
        <translation>Urteil: nicht entschieden · Sieger %1 · Antwort %2</translation>
    </message>
    <message>
        <source>confidence %1</source>
        <extracomment>%1 is the agent&apos;s confidence, a number from 0.00 to 1.00</extracomment>
        <translation>Zuversicht %1</translation>
    </message>
    <message>
        <source>changed</source>
        <extracomment>The agent changed its position in this turn</extracomment>
        <translation>geändert</translation>
    </message>
    <message numerus="yes">
        <source>Format: %1 · up to %n round(s) · consensus at %2</source>
        <extracomment>%1 is the debate format (not translated), %2 the consensus threshold (0.00 to 1.00)</extracomment>
        <translation>
            <numerusform>Format: %1 · bis zu %n Runde · Konsens ab %2</numerusform>
            <numerusform>Format: %1 · bis zu %n Runden · Konsens ab %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Round %1 consensus: %2 on &quot;%3&quot; (%4) · %n changed position</source>
        <extracomment>%1 is the round, %2 the support (0.00 to 1.00) for the leading answer %3, %4 the answers with their votes; %n agents changed their position</extracomment>
        <translation>
            <numerusform>Konsens in Runde %1: %2 für „%3“ (%4) · %n Positionswechsel</numerusform>
            <numerusform>Konsens in Runde %1: %2 für „%3“ (%4) · %n Positionswechsel</numerusform>
        </translation>
    </message>
    <message>
        <source>Round %1 consensus: %2 on &quot;%3&quot; (%4)</source>
        <extracomment>%1 is the round, %2 the support (0.00 to 1.00) for the leading answer %3, %4 the answers with their votes</extracomment>
        <translation>Konsens in Runde %1: %2 für „%3“ (%4)</translation>
    </message>
    <message>
        <source>Consensus:  %1 (threshold %2) · tie</source>
        <extracomment>%1 is the support for the answer, %2 the threshold (both 0.00 to 1.00); the answers tied</extracomment>
        <translation>Konsens:    %1 (Schwelle %2) · Gleichstand</translation>
    </message>
    <message>
        <source>Consensus:  %1 (threshold %2)</source>
        <extracomment>%1 is the support for the answer, %2 the threshold (both 0.00 to 1.00)</extracomment>
        <translation>Konsens:    %1 (Schwelle %2)</translation>
    </message>
    <message numerus="yes">
        <source>Cost:       %n model call(s) · %1 prompt + %2 generated tokens · %3 s · position changes per round: %4</source>
        <extracomment>%n model requests; %1 and %2 token counts, %3 seconds, %4 the number of agents that changed position in each round</extracomment>
        <translation>
            <numerusform>Kosten:     %n Modellaufruf · %1 Prompt- + %2 erzeugte Token · %3 s · Positionswechsel pro Runde: %4</numerusform>
            <numerusform>Kosten:     %n Modellaufrufe · %1 Prompt- + %2 erzeugte Token · %3 s · Positionswechsel pro Runde: %4</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::cli::eval</name>
    <message>
        <source>Answer a set of questions with known answers three ways: the first agent alone, a vote of independent answers using as many model calls as the debate, and the debate. Prints accuracy, model calls, rounds, tokens and position changes per round, so you can judge debate on your own models.</source>
        <translation>Einen Satz Fragen mit bekannten Antworten auf drei Arten beantworten: der erste Agent allein, eine Abstimmung unabhängiger Antworten mit ebenso vielen Modellaufrufen wie die Debatte, und die Debatte. Gibt Genauigkeit, Modellaufrufe, Runden, Token und Positionswechsel pro Runde aus, sodass sich Debatten mit den eigenen Modellen beurteilen lassen.</translation>
    </message>
    <message>
        <source>Agents by name, comma-separated; NAME=MODEL sets the model (default Proponent,Skeptic,Pragmatist).</source>
        <translation>Agenten nach Name, durch Kommas getrennt; NAME=MODEL legt das Modell fest (Standard Proponent,Skeptic,Pragmatist).</translation>
    </message>
    <message>
        <source>Question file (JSON or JSON lines with question and answer), or builtin (default).</source>
        <translation>Fragendatei (JSON oder JSON Lines mit den Feldern question und answer) oder builtin (Standard).</translation>
    </message>
    <message>
        <source>Debate format (default simultaneous).</source>
        <translation>Debattenformat (Standard simultaneous).</translation>
    </message>
    <message>
        <source>Maximum debate rounds (default 3).</source>
        <translation>Höchstzahl der Debattenrunden (Standard 3).</translation>
    </message>
    <message>
        <source>Consensus threshold (default 0.8).</source>
        <translation>Konsensschwelle (Standard 0.8).</translation>
    </message>
    <message>
        <source>Model for agents that have none.</source>
        <translation>Modell für Agenten ohne eigenes.</translation>
    </message>
    <message>
        <source>Base seed (default 1).</source>
        <translation>Basis-Seed (Standard 1).</translation>
    </message>
    <message>
        <source>Only the first N questions.</source>
        <translation>Nur die ersten N Fragen.</translation>
    </message>
    <message>
        <source>Print the report as JSON.</source>
        <translation>Den Bericht als JSON ausgeben.</translation>
    </message>
    <message>
        <source>--format must be simultaneous, round-robin, adversarial or council (vote is always run as the baseline).</source>
        <translation>--format muss simultaneous, round-robin, adversarial oder council sein (vote läuft immer als Vergleichsbasis).</translation>
    </message>
    <message>
        <source>--rounds, --consensus, --seed and --limit take numbers.</source>
        <translation>--rounds, --consensus, --seed und --limit erwarten Zahlen.</translation>
    </message>
    <message>
        <source>Cancelling the evaluation...</source>
        <translation>Auswertung wird abgebrochen...</translation>
    </message>
    <message>
        <source>[%1/%2] %3: %4</source>
        <extracomment>Progress: %1 of %2 steps, %3 the question id, %4 the mode (single, vote or debate: not translated)</extracomment>
        <translation>[%1/%2] %3: %4</translation>
    </message>
    <message>
        <source>The evaluation stopped: %1</source>
        <translation>Auswertung abgebrochen: %1</translation>
    </message>
    <message numerus="yes">
        <source>Question set: %1 (%n question(s))</source>
        <extracomment>%1 is the name of the question set</extracomment>
        <translation>
            <numerusform>Fragensatz: %1 (%n Frage)</numerusform>
            <numerusform>Fragensatz: %1 (%n Fragen)</numerusform>
        </translation>
    </message>
    <message>
        <source>Agents: %1 · single = %2 alone · debate: %3, up to %4 round(s)</source>
        <extracomment>%1 the agents with their models, %2 the first agent, %3 the debate format (not translated), %4 the most rounds</extracomment>
        <translation>Agenten: %1 · single = %2 allein · debate: %3, bis zu %4 Runde(n)</translation>
    </message>
    <message>
        <source>mode</source>
        <extracomment>Column headings of the report; calls/q and rounds/q are per question. Keep them short.</extracomment>
        <translation>Modus</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>calls</source>
        <translation>Aufrufe</translation>
    </message>
    <message>
        <source>calls/q</source>
        <translation>Aufr./F</translation>
    </message>
    <message>
        <source>rounds/q</source>
        <translation>Runden/F</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>position changes per round</source>
        <translation>Positionswechsel pro Runde</translation>
    </message>
    <message>
        <source>Debate: %1 right-to-wrong and %2 wrong-to-right changes; stopped by %3.</source>
        <extracomment>%1 and %2 are counts of position changes, %3 the reasons the debates stopped with their counts</extracomment>
        <translation>Debatte: %1 Wechsel von richtig zu falsch und %2 von falsch zu richtig; beendet durch %3.</translation>
    </message>
    <message>
        <source>Model calls compared: debate %1 (%2 repairs), vote %3 (%4 repairs). The vote asks for exactly as many answers as the debate made calls; its own repairs are the only difference. Much of debate&apos;s gain over a single model usually comes from voting.</source>
        <translation>Verglichene Modellaufrufe: Debatte %1 (%2 Reparaturen), Abstimmung %3 (%4 Reparaturen). Die Abstimmung fordert genau so viele Antworten an, wie die Debatte Aufrufe gemacht hat; nur ihre eigenen Reparaturen machen den Unterschied. Ein Großteil des Vorsprungs einer Debatte gegenüber einem einzelnen Modell stammt meist aus der Abstimmung.</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Hinweis: %1</translation>
    </message>
</context>
<context>
    <name>rt::cli::history</name>
    <message>
        <source>Print JSON instead of text.</source>
        <translation>JSON statt Text ausgeben.</translation>
    </message>
    <message>
        <source>ID is a debate, not a conversation.</source>
        <translation>ID ist eine Debatte, keine Unterhaltung.</translation>
    </message>
    <message>
        <source>At most N entries (default %1).</source>
        <extracomment>%1 is the default number of entries</extracomment>
        <translation>Höchstens N Einträge (Standard %1).</translation>
    </message>
    <message>
        <source>md (Markdown) or json.</source>
        <translation>md (Markdown) oder json.</translation>
    </message>
    <message>
        <source>Write to FILE instead of standard output.</source>
        <translation>In FILE statt auf die Standardausgabe schreiben.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an id. Run &apos;roundtable history list&apos; to see the ids.</source>
        <translation>„%1“ ist keine ID. „roundtable history list“ zeigt die IDs.</translation>
    </message>
    <message>
        <source>List stored conversations and debates, most recent first.</source>
        <translation>Gespeicherte Unterhaltungen und Debatten auflisten, neueste zuerst.</translation>
    </message>
    <message>
        <source>--limit needs a positive number.</source>
        <translation>--limit braucht eine positive Zahl.</translation>
    </message>
    <message>
        <source>Nothing stored yet. Conversations from &apos;roundtable chat&apos; and debates appear here.</source>
        <translation>Noch nichts gespeichert. Unterhaltungen aus „roundtable chat“ und Debatten erscheinen hier.</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Unterhaltungen</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Last activity</source>
        <translation>Letzte Aktivität</translation>
    </message>
    <message>
        <source>Msgs</source>
        <extracomment>Column heading: the number of messages; keep it short</extracomment>
        <translation>Anz.</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>(untitled)</source>
        <translation>(ohne Titel)</translation>
    </message>
    <message>
        <source>Debates (use --debate with show/export)</source>
        <translation>Debatten (--debate mit show/export verwenden)</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Frage</translation>
    </message>
    <message>
        <source>Print one stored conversation (or debate with --debate).</source>
        <translation>Eine gespeicherte Unterhaltung ausgeben (oder mit --debate eine Debatte).</translation>
    </message>
    <message>
        <source>Conversation or debate id (see &apos;roundtable history list&apos;).</source>
        <translation>ID der Unterhaltung oder Debatte (siehe „roundtable history list“).</translation>
    </message>
    <message>
        <source>Give exactly one id, e.g. roundtable history show 12</source>
        <translation>Genau eine ID angeben, z. B. roundtable history show 12</translation>
    </message>
    <message>
        <source>Full-text search over all messages and debate turns. Every word must occur; quotes, * and other symbols are searched as plain text.</source>
        <translation>Volltextsuche in allen Nachrichten und Debattenbeiträgen. Jedes Wort muss vorkommen; Anführungszeichen, * und andere Symbole werden als normaler Text gesucht.</translation>
    </message>
    <message>
        <source>Words to look for.</source>
        <translation>Zu suchende Wörter.</translation>
    </message>
    <message>
        <source>Say what to search for, e.g. roundtable history search tomato soup</source>
        <translation>Suchbegriffe angeben, z. B. roundtable history search Tomatensuppe</translation>
    </message>
    <message>
        <source>No matches for &quot;%1&quot;.</source>
        <translation>Keine Treffer für „%1“.</translation>
    </message>
    <message>
        <source>conversation %1</source>
        <extracomment>%1 is the id of the conversation or debate a search hit is in</extracomment>
        <translation>Unterhaltung %1</translation>
    </message>
    <message>
        <source>debate %1</source>
        <translation>Debatte %1</translation>
    </message>
    <message>
        <source>Export a conversation (or a debate with --debate) as Markdown or JSON. The JSON form can be imported again with &apos;roundtable history import&apos;.</source>
        <translation>Eine Unterhaltung (oder mit --debate eine Debatte) als Markdown oder JSON exportieren. Die JSON-Form lässt sich mit „roundtable history import“ wieder importieren.</translation>
    </message>
    <message>
        <source>Conversation or debate id.</source>
        <translation>ID der Unterhaltung oder Debatte.</translation>
    </message>
    <message>
        <source>Give exactly one id, e.g. roundtable history export 12 --format md</source>
        <translation>Genau eine ID angeben, z. B. roundtable history export 12 --format md</translation>
    </message>
    <message>
        <source>Unknown format &quot;%1&quot;: use --format md or --format json.</source>
        <translation>Unbekanntes Format „%1“: --format md oder --format json verwenden.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2. Check the folder exists and is writable.</source>
        <extracomment>%1 is a file name, %2 the reason from the system</extracomment>
        <translation>%1 kann nicht geschrieben werden: %2. Prüfen, ob der Ordner existiert und beschreibbar ist.</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Exportiert nach %1</translation>
    </message>
    <message>
        <source>Import a conversation or debate from a JSON file made by &apos;roundtable history export --format json&apos;. It gets a new id; the original is not touched.</source>
        <translation>Eine Unterhaltung oder Debatte aus einer JSON-Datei importieren, die mit „roundtable history export --format json“ erstellt wurde. Sie erhält eine neue ID; das Original bleibt unverändert.</translation>
    </message>
    <message>
        <source>The JSON export (&apos;-&apos; for standard input).</source>
        <translation>Der JSON-Export („-“ für die Standardeingabe).</translation>
    </message>
    <message>
        <source>Give exactly one file, e.g. roundtable history import chat.json</source>
        <translation>Genau eine Datei angeben, z. B. roundtable history import chat.json</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <extracomment>%1 is a file name, %2 the reason from the system</extracomment>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message numerus="yes">
        <source>Imported debate %1 with %n turn(s).</source>
        <extracomment>%1 is the new debate id, %2 the number of turns</extracomment>
        <translation>
            <numerusform>Debatte %1 mit %n Beitrag importiert.</numerusform>
            <numerusform>Debatte %1 mit %n Beiträgen importiert.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported conversation %1 with %n message(s).</source>
        <extracomment>%1 is the new conversation id, %2 the number of messages</extracomment>
        <translation>
            <numerusform>Unterhaltung %1 mit %n Nachricht importiert.</numerusform>
            <numerusform>Unterhaltung %1 mit %n Nachrichten importiert.</numerusform>
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
        <translation>Aufruf: roundtable history COMMAND [Optionen]
  list [--json] [--limit N]                   gespeicherte Unterhaltungen und Debatten
  show ID [--debate] [--json]                 eine Unterhaltung oder Debatte ausgeben
  search TEXT [--json] [--limit N]            Volltextsuche
  export ID --format md|json [-o FILE] [--debate]
  import FILE                                 einen JSON-Export importieren
Alle akzeptieren --db PATH|URL (Standard: $ROUNDTABLE_DB, dann die Einstellungen, dann der Datenordner der App).</translation>
    </message>
    <message>
        <source>Unknown history command &quot;%1&quot;.</source>
        <translation>Unbekannter history-Befehl „%1“.</translation>
    </message>
</context>
<context>
    <name>rt::cli::hosts</name>
    <message>
        <source>NAME</source>
        <translation>NAME</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>MAX REQUESTS</source>
        <translation>MAX. ANFRAGEN</translation>
    </message>
    <message>
        <source>(No host is saved, so Roundtable uses this one, from $OLLAMA_HOST or the default. Add hosts with: roundtable hosts add NAME URL)</source>
        <translation>(Es ist kein Host gespeichert, daher verwendet Roundtable diesen aus $OLLAMA_HOST oder den Standard. Hosts hinzufügen mit: roundtable hosts add NAME URL)</translation>
    </message>
    <message>
        <source>Usage: roundtable hosts add NAME URL [--max-concurrent N], e.g. roundtable hosts add gpu-box http://10.0.0.5:11434</source>
        <translation>Aufruf: roundtable hosts add NAME URL [--max-concurrent N], z. B. roundtable hosts add gpu-box http://10.0.0.5:11434</translation>
    </message>
    <message>
        <source>The host name &quot;%1&quot; is not valid: use letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos; (up to 40), starting with a letter or digit.</source>
        <translation>Der Hostname „%1“ ist ungültig: Buchstaben, Ziffern, „.“, „_“ oder „-“ verwenden (bis zu 40), beginnend mit einem Buchstaben oder einer Ziffer.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid Ollama host: %2</source>
        <extracomment>%1 is the address given, %2 the reason it is not valid</extracomment>
        <translation>„%1“ ist kein gültiger Ollama-Host: %2</translation>
    </message>
    <message>
        <source>Saved the host Roundtable used so far too: %1 (%2). Remove it with: roundtable hosts rm %1</source>
        <extracomment>%1 is a host name, %2 its address</extracomment>
        <translation>Auch der bisher von Roundtable verwendete Host wurde gespeichert: %1 (%2). Entfernen mit: roundtable hosts rm %1</translation>
    </message>
    <message>
        <source>A host named &quot;%1&quot; already exists (%2). Remove it first with: roundtable hosts rm %1</source>
        <extracomment>%1 is a host name, %2 its address</extracomment>
        <translation>Ein Host namens „%1“ existiert bereits (%2). Zuerst entfernen mit: roundtable hosts rm %1</translation>
    </message>
    <message>
        <source>Added host %1 (%2).</source>
        <extracomment>%1 is a host name, %2 its address</extracomment>
        <translation>Host %1 (%2) hinzugefügt.</translation>
    </message>
    <message>
        <source>Usage: roundtable hosts rm NAME</source>
        <translation>Aufruf: roundtable hosts rm NAME</translation>
    </message>
    <message>
        <source>Removed host %1 (%2).</source>
        <extracomment>%1 is a host name, %2 its address</extracomment>
        <translation>Host %1 (%2) entfernt.</translation>
    </message>
    <message>
        <source>No host is saved now; Roundtable uses $OLLAMA_HOST or http://127.0.0.1:11434.</source>
        <translation>Jetzt ist kein Host gespeichert; Roundtable verwendet $OLLAMA_HOST oder http://127.0.0.1:11434.</translation>
    </message>
    <message>
        <source>There is no saved host &quot;%1&quot;; no host is saved.</source>
        <translation>Es gibt keinen gespeicherten Host „%1“; es ist kein Host gespeichert.</translation>
    </message>
    <message>
        <source>There is no saved host &quot;%1&quot;. Saved hosts: %2.</source>
        <translation>Es gibt keinen gespeicherten Host „%1“. Gespeicherte Hosts: %2.</translation>
    </message>
    <message>
        <source>STATE</source>
        <translation>ZUSTAND</translation>
    </message>
    <message>
        <source>VERSION</source>
        <translation>VERSION</translation>
    </message>
    <message>
        <source>LATENCY</source>
        <translation>LATENZ</translation>
    </message>
    <message>
        <source>MODELS</source>
        <translation>MODELLE</translation>
    </message>
    <message>
        <source>LOADED</source>
        <translation>GELADEN</translation>
    </message>
    <message>
        <source>up</source>
        <extracomment>The state of an Ollama host in the STATE column: it answers (up) or not (down)</extracomment>
        <translation>online</translation>
    </message>
    <message>
        <source>down</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <extracomment>%1 is a host name, %2 why it does not answer</extracomment>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>The Ollama host does not answer.</source>
        <translation>Der Ollama-Host antwortet nicht.</translation>
    </message>
    <message>
        <source>No Ollama host answers.</source>
        <translation>Kein Ollama-Host antwortet.</translation>
    </message>
    <message>
        <source>The Ollama hosts Roundtable uses, saved in the settings the window uses too. Requests go to a host that has the model; a host that fails is taken out of rotation until it answers again.

  roundtable hosts list [--json]
  roundtable hosts add NAME URL [--max-concurrent N]
  roundtable hosts rm NAME
  roundtable hosts check [--json]    state, version, latency and models of every host; exit 3 when none answers</source>
        <translation>Die Ollama-Hosts, die Roundtable verwendet, gespeichert in denselben Einstellungen wie die des Fensters. Anfragen gehen an einen Host, der das Modell hat; ein Host, der versagt, wird aus der Rotation genommen, bis er wieder antwortet.

  roundtable hosts list [--json]
  roundtable hosts add NAME URL [--max-concurrent N]
  roundtable hosts rm NAME
  roundtable hosts check [--json]    Zustand, Version, Latenz und Modelle jedes Hosts; Exit-Code 3, wenn keiner antwortet</translation>
    </message>
    <message>
        <source>Print JSON.</source>
        <translation>JSON ausgeben.</translation>
    </message>
    <message>
        <source>add: requests this host runs at once (default 4).</source>
        <translation>add: Anfragen, die dieser Host gleichzeitig ausführt (Standard 4).</translation>
    </message>
    <message>
        <source>list (default), add, rm or check</source>
        <translation>list (Standard), add, rm oder check</translation>
    </message>
    <message>
        <source>NAME URL (add), NAME (rm)</source>
        <translation>NAME URL (add), NAME (rm)</translation>
    </message>
    <message>
        <source>Unknown hosts action &quot;%1&quot;. Use list, add NAME URL, rm NAME or check.</source>
        <translation>Unbekannte hosts-Aktion „%1“. list, add NAME URL, rm NAME oder check verwenden.</translation>
    </message>
</context>
<context>
    <name>rt::cli::metrics</name>
    <message>
        <source>Print the stored metric samples: a summary per line (last, min, mean, max), as a table, JSON with every sample, or Prometheus text with the last values.</source>
        <translation>Die gespeicherten Messwerte ausgeben: eine Zusammenfassung pro Reihe (letzter Wert, Minimum, Mittelwert, Maximum) als Tabelle, JSON mit jedem Messwert oder Prometheus-Text mit den letzten Werten.</translation>
    </message>
    <message>
        <source>Every sample as JSON.</source>
        <translation>Jeden Messwert als JSON.</translation>
    </message>
    <message>
        <source>The last value of each line in Prometheus text format.</source>
        <translation>Den letzten Wert jeder Reihe im Prometheus-Textformat.</translation>
    </message>
    <message>
        <source>How far back: 90s, 15m, 2h, 7d (default 1h).</source>
        <translation>Wie weit zurück: 90s, 15m, 2h, 7d (Standard 1h).</translation>
    </message>
    <message>
        <source>Choose one of --json and --prometheus.</source>
        <translation>Nur eines von --json und --prometheus wählen.</translation>
    </message>
    <message>
        <source>--since needs a duration such as 90s, 15m, 2h or 7d, not &quot;%1&quot;.</source>
        <translation>--since braucht eine Dauer wie 90s, 15m, 2h oder 7d, nicht „%1“.</translation>
    </message>
    <message>
        <source>No metric samples in the last %1. The window, roundtable serve and roundtable debate --serve store them while they run (every %2 s by default).</source>
        <extracomment>%1 is a duration as given to --since (such as 1h), %2 a number of seconds</extracomment>
        <translation>Keine Messwerte in den letzten %1. Das Fenster, roundtable serve und roundtable debate --serve speichern sie, solange sie laufen (standardmäßig alle %2 s).</translation>
    </message>
    <message>
        <source>METRIC</source>
        <translation>METRIK</translation>
    </message>
    <message>
        <source>SERIES</source>
        <translation>REIHE</translation>
    </message>
    <message>
        <source>LAST</source>
        <translation>LETZTER</translation>
    </message>
    <message>
        <source>MIN</source>
        <translation>MIN</translation>
    </message>
    <message>
        <source>MEAN</source>
        <translation>MITTEL</translation>
    </message>
    <message>
        <source>MAX</source>
        <translation>MAX</translation>
    </message>
    <message>
        <source>SAMPLES</source>
        <translation>MESSWERTE</translation>
    </message>
    <message>
        <source>LAST SAMPLE</source>
        <translation>LETZTER MESSWERT</translation>
    </message>
</context>
<context>
    <name>rt::cli::models</name>
    <message>
        <source>No models installed on %1. Pull one with: ollama pull llama3.2</source>
        <extracomment>%1 is the address of an Ollama host</extracomment>
        <translation>Auf %1 sind keine Modelle installiert. Eines herunterladen mit: ollama pull llama3.2</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NAME</translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation>GRÖSSE</translation>
    </message>
    <message>
        <source>FAMILY</source>
        <translation>FAMILIE</translation>
    </message>
    <message>
        <source>PARAMETERS</source>
        <translation>PARAMETER</translation>
    </message>
    <message>
        <source>QUANTIZATION</source>
        <translation>QUANTISIERUNG</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modell:</translation>
    </message>
    <message>
        <source>Family:</source>
        <translation>Familie:</translation>
    </message>
    <message>
        <source>Parameters:</source>
        <translation>Parameter:</translation>
    </message>
    <message>
        <source>Quantization:</source>
        <translation>Quantisierung:</translation>
    </message>
    <message>
        <source>Context length:</source>
        <translation>Kontextlänge:</translation>
    </message>
    <message>
        <source>Capabilities:</source>
        <translation>Fähigkeiten:</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>Größe:</translation>
    </message>
    <message>
        <source>Parameters (defaults):</source>
        <translation>Parameter (Standardwerte):</translation>
    </message>
    <message>
        <source>License:</source>
        <translation>Lizenz:</translation>
    </message>
    <message>
        <source>No model is loaded right now.</source>
        <translation>Derzeit ist kein Modell geladen.</translation>
    </message>
    <message>
        <source>PROCESSOR</source>
        <translation>PROZESSOR</translation>
    </message>
    <message>
        <source>CONTEXT</source>
        <translation>KONTEXT</translation>
    </message>
    <message>
        <source>UNTIL</source>
        <translation>BIS</translation>
    </message>
    <message>
        <source>%1% GPU</source>
        <extracomment>%1 is the share of the model held in graphics memory, in percent</extracomment>
        <translation>%1 % GPU</translation>
    </message>
    <message>
        <source>100% CPU</source>
        <extracomment>The model runs on the processor alone</extracomment>
        <translation>100 % CPU</translation>
    </message>
    <message>
        <source>Deleted %1.</source>
        <extracomment>%1 is a model name</extracomment>
        <translation>%1 gelöscht.</translation>
    </message>
    <message>
        <source>Manage the models of an Ollama host.

  list          list installed models
  show NAME     details: family, size, context length, capabilities
  ps            models loaded in memory now
  pull NAME     download a model as a task (Ctrl-C stops; pulling again or
                roundtable tasks resume ID continues it)
  rm NAME       delete a model</source>
        <translation>Die Modelle eines Ollama-Hosts verwalten.

  list          installierte Modelle auflisten
  show NAME     Details: Familie, Größe, Kontextlänge, Fähigkeiten
  ps            derzeit in den Speicher geladene Modelle
  pull NAME     ein Modell als Aufgabe herunterladen (Strg+C hält an; erneutes Herunterladen
                oder roundtable tasks resume ID setzt den Download fort)
  rm NAME       ein Modell löschen</translation>
    </message>
    <message>
        <source>Print JSON.</source>
        <translation>JSON ausgeben.</translation>
    </message>
    <message>
        <source>Configured Ollama host to use, by name (default: the first one).</source>
        <translation>Zu verwendender konfigurierter Ollama-Host, nach Name (Standard: der erste).</translation>
    </message>
    <message>
        <source>list, show, ps, pull or rm</source>
        <translation>list, show, ps, pull oder rm</translation>
    </message>
    <message>
        <source>Model name (show, pull, rm)</source>
        <translation>Modellname (show, pull, rm)</translation>
    </message>
    <message>
        <source>Unknown models action &quot;%1&quot;. Use: roundtable models list|show|ps|pull|rm</source>
        <translation>Unbekannte models-Aktion „%1“. Verwendung: roundtable models list|show|ps|pull|rm</translation>
    </message>
    <message>
        <source>Name the model: roundtable models %1 NAME</source>
        <extracomment>%1 is the action (show, pull or rm), which is not translated</extracomment>
        <translation>Das Modell angeben: roundtable models %1 NAME</translation>
    </message>
    <message>
        <source>There is no Ollama host named “%1”; the configured hosts are: %2.</source>
        <translation>Es gibt keinen Ollama-Host namens „%1“; konfigurierte Hosts: %2.</translation>
    </message>
</context>
<context>
    <name>rt::cli::serve</name>
    <message>
        <source>--bind needs an IP address such as 127.0.0.1 or 0.0.0.0, not &quot;%1&quot;.</source>
        <translation>--bind braucht eine IP-Adresse wie 127.0.0.1 oder 0.0.0.0, nicht „%1“.</translation>
    </message>
    <message>
        <source>--token must be at least 16 characters long, so it cannot be guessed.</source>
        <translation>--token muss mindestens 16 Zeichen lang sein, damit es nicht erraten werden kann.</translation>
    </message>
    <message>
        <source>--max-viewers needs a number from 1 to 100000.</source>
        <translation>--max-viewers braucht eine Zahl von 1 bis 100000.</translation>
    </message>
    <message>
        <source>--viewer-token needs at least 32 hex digits (128 bits), so it cannot be guessed.</source>
        <translation>--viewer-token braucht mindestens 32 Hexadezimalziffern (128 Bit), damit es nicht erraten werden kann.</translation>
    </message>
    <message>
        <source>--tls-cert and --tls-key go together: give both PEM files.</source>
        <translation>--tls-cert und --tls-key gehören zusammen: beide PEM-Dateien angeben.</translation>
    </message>
    <message>
        <source>  %1/health   status as JSON (HTTP 503 when down); details with the token</source>
        <extracomment>%1 is the server&apos;s address</extracomment>
        <translation>  %1/health   Status als JSON (HTTP 503 bei Ausfall); Details mit dem Token</translation>
    </message>
    <message>
        <source>  %1/         live view of the debates for remote viewers (open the viewers link below)</source>
        <extracomment>%1 is the server&apos;s address</extracomment>
        <translation>  %1/         Live-Ansicht der Debatten für entfernte Zuschauer (den Link unter „viewers:“ öffnen)</translation>
    </message>
    <message>
        <source>Run the local server: /metrics for Prometheus and /health, with the Ollama hosts probed every few seconds, until Ctrl-C. Prints the address and the token.</source>
        <translation>Den lokalen Server ausführen: /metrics für Prometheus und /health, wobei die Ollama-Hosts alle paar Sekunden geprüft werden, bis Strg+C gedrückt wird. Gibt die Adresse und das Token aus.</translation>
    </message>
    <message>
        <source>Port to listen on (default: the one in Settings, 9477; 0 = any free port).</source>
        <translation>Port, auf dem gelauscht wird (Standard: der aus den Einstellungen, 9477; 0 = beliebiger freier Port).</translation>
    </message>
    <message>
        <source>Seconds between health probes of each Ollama host (default 15).</source>
        <translation>Sekunden zwischen den Zustandsprüfungen jedes Ollama-Hosts (Standard 15).</translation>
    </message>
    <message>
        <source>Do not write metric samples to the database.</source>
        <translation>Keine Messwerte in die Datenbank schreiben.</translation>
    </message>
    <message>
        <source>Serving without storing samples.</source>
        <translation>Server läuft, ohne Messwerte zu speichern.</translation>
    </message>
    <message>
        <source>Server stopped.</source>
        <translation>Server beendet.</translation>
    </message>
    <message>
        <source>Address to listen on (default: the one in Settings, 127.0.0.1). Use 0.0.0.0 to let other machines connect.</source>
        <translation>Adresse, auf der gelauscht wird (Standard: die aus den Einstellungen, 127.0.0.1). Mit 0.0.0.0 können sich andere Rechner verbinden.</translation>
    </message>
    <message>
        <source>Bearer token for /metrics (default: the one in Settings, generated on first use).</source>
        <translation>Bearer-Token für /metrics (Standard: das aus den Einstellungen, bei der ersten Verwendung erzeugt).</translation>
    </message>
    <message>
        <source>Let requests from this machine read /metrics without the token.</source>
        <translation>Anfragen von diesem Rechner /metrics ohne Token lesen lassen.</translation>
    </message>
    <message>
        <source>Most remote viewers at once (default: the one in Settings, 1000).</source>
        <translation>Höchstzahl gleichzeitiger entfernter Zuschauer (Standard: der Wert aus den Einstellungen, 1000).</translation>
    </message>
    <message>
        <source>Token of the viewer link, at least 32 hex digits (default: a fresh random one at every start).</source>
        <translation>Token des Zuschauer-Links, mindestens 32 Hexadezimalziffern (Standard: bei jedem Start ein neues zufälliges).</translation>
    </message>
    <message>
        <source>Do not show debates to remote viewers.</source>
        <translation>Debatten nicht für entfernte Zuschauer zeigen.</translation>
    </message>
    <message>
        <source>PEM certificate: serve https and wss (with --tls-key).</source>
        <translation>PEM-Zertifikat: https und wss bereitstellen (mit --tls-key).</translation>
    </message>
    <message>
        <source>PEM private key for --tls-cert.</source>
        <translation>Privater PEM-Schlüssel für --tls-cert.</translation>
    </message>
    <message>
        <source>  %1/metrics  Prometheus text format; send the header &quot;Authorization: Bearer TOKEN&quot; (not needed from this machine)</source>
        <extracomment>%1 is the server&apos;s address; the endpoint and the header are not translated</extracomment>
        <translation>  %1/metrics  Prometheus-Textformat; den Header „Authorization: Bearer TOKEN“ senden (von diesem Rechner aus nicht nötig)</translation>
    </message>
    <message>
        <source>  %1/metrics  Prometheus text format; send the header &quot;Authorization: Bearer TOKEN&quot;</source>
        <extracomment>%1 is the server&apos;s address; the endpoint and the header are not translated</extracomment>
        <translation>  %1/metrics  Prometheus-Textformat; den Header „Authorization: Bearer TOKEN“ senden</translation>
    </message>
</context>
<context>
    <name>rt::cli::tasks</name>
    <message>
        <source>%1 left</source>
        <extracomment>%1 is the time a download still needs, such as 2m 10s</extracomment>
        <translation>noch %1</translation>
    </message>
    <message>
        <source>pulling %1 </source>
        <extracomment>%1 is a model name; a progress bar follows after the space</extracomment>
        <translation>Download %1 </translation>
    </message>
    <message>
        <source>There is no task %1; roundtable tasks list shows them.</source>
        <translation>Es gibt keine Aufgabe %1; roundtable tasks list zeigt die Aufgaben.</translation>
    </message>
    <message>
        <source>Pulled %1.</source>
        <extracomment>%1 is a model name</extracomment>
        <translation>%1 heruntergeladen.</translation>
    </message>
    <message>
        <source>Debate %1 finished. Answer: %2</source>
        <extracomment>%1 is the debate id, %2 its answer</extracomment>
        <translation>Debatte %1 beendet. Antwort: %2</translation>
    </message>
    <message>
        <source>Task %1 (%2) finished.</source>
        <extracomment>%1 is the task id, %2 its title</extracomment>
        <translation>Aufgabe %1 (%2) beendet.</translation>
    </message>
    <message>
        <source>Pull of %1 cancelled; run the same command again to resume.</source>
        <extracomment>%1 is a model name</extracomment>
        <translation>Download von %1 abgebrochen; denselben Befehl erneut ausführen, um ihn fortzusetzen.</translation>
    </message>
    <message>
        <source>Debate %1 interrupted. Continue with: roundtable debate --resume %1</source>
        <translation>Debatte %1 unterbrochen. Fortsetzen mit: roundtable debate --resume %1</translation>
    </message>
    <message>
        <source>Task %1 (%2) cancelled.</source>
        <extracomment>%1 is the task id, %2 its title</extracomment>
        <translation>Aufgabe %1 (%2) abgebrochen.</translation>
    </message>
    <message>
        <source>Task %1 (%2) ended as %3.</source>
        <extracomment>%1 is the task id, %2 its title, %3 its status (failed, interrupted, ...: not translated)</extracomment>
        <translation>Aufgabe %1 (%2) endete mit Status %3.</translation>
    </message>
    <message>
        <source>The operation was abandoned before it finished.</source>
        <translation>Der Vorgang wurde vor seinem Abschluss aufgegeben.</translation>
    </message>
    <message>
        <source>cancel requested (pid %1 on %2)</source>
        <extracomment>%1 is a process id, %2 the name of the machine it runs on</extracomment>
        <translation>Abbruch angefordert (PID %1 auf %2)</translation>
    </message>
    <message>
        <source>in another process (pid %1 on %2)</source>
        <extracomment>%1 is a process id, %2 the name of the machine it runs on</extracomment>
        <translation>in einem anderen Prozess (PID %1 auf %2)</translation>
    </message>
    <message>
        <source>resumable: roundtable tasks resume %1</source>
        <translation>fortsetzbar: roundtable tasks resume %1</translation>
    </message>
    <message>
        <source>No tasks yet. Pulls (roundtable models pull NAME) and debates run as tasks.</source>
        <translation>Noch keine Aufgaben. Downloads (roundtable models pull NAME) und Debatten laufen als Aufgaben.</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>KIND</source>
        <translation>ART</translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation>STATUS</translation>
    </message>
    <message>
        <source>PROGRESS</source>
        <translation>FORTSCHRITT</translation>
    </message>
    <message>
        <source>UPDATED</source>
        <translation>GEÄNDERT</translation>
    </message>
    <message>
        <source>TITLE</source>
        <translation>TITEL</translation>
    </message>
    <message>
        <source>NOTE</source>
        <translation>HINWEIS</translation>
    </message>
    <message>
        <source>Task:</source>
        <translation>Aufgabe:</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>Titel:</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>Art:</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>Progress:</source>
        <translation>Stand:</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>Host:</translation>
    </message>
    <message>
        <source>Owner:</source>
        <translation>Besitzer:</translation>
    </message>
    <message>
        <source>pid %1 on %2</source>
        <extracomment>%1 is a process id, %2 the name of the machine it runs on</extracomment>
        <translation>PID %1 auf %2</translation>
    </message>
    <message>
        <source>Created:</source>
        <translation>Erstellt:</translation>
    </message>
    <message>
        <source>Started:</source>
        <translation>Gestartet:</translation>
    </message>
    <message>
        <source>Finished:</source>
        <translation>Beendet:</translation>
    </message>
    <message>
        <source>Updated:</source>
        <translation>Geändert:</translation>
    </message>
    <message>
        <source>Error:</source>
        <translation>Fehler:</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Hinweis:</translation>
    </message>
    <message>
        <source>Payload:</source>
        <translation>Nutzdaten:</translation>
    </message>
    <message>
        <source>Asked process %1 on %2 to cancel task %3; it has not stopped yet. Check with: roundtable tasks show %3</source>
        <extracomment>%1 is a process id, %2 the name of the machine it runs on, %3 the task id</extracomment>
        <translation>Prozess %1 auf %2 wurde gebeten, Aufgabe %3 abzubrechen; sie läuft noch. Prüfen mit: roundtable tasks show %3</translation>
    </message>
    <message>
        <source>Task %1 did not stop in time.</source>
        <translation>Aufgabe %1 wurde nicht rechtzeitig beendet.</translation>
    </message>
    <message>
        <source>Task %1 (%2) ended as %3 before it could be cancelled.</source>
        <extracomment>%1 is the task id, %2 its title, %3 its status (not translated)</extracomment>
        <translation>Aufgabe %1 (%2) endete mit Status %3, bevor sie abgebrochen werden konnte.</translation>
    </message>
    <message>
        <source>Dismissed interrupted task %1 (%2); it will not be offered for resuming.</source>
        <extracomment>%1 is the task id, %2 its title</extracomment>
        <translation>Unterbrochene Aufgabe %1 (%2) verworfen; sie wird nicht mehr zum Fortsetzen angeboten.</translation>
    </message>
    <message>
        <source>Cancelled task %1 (%2).</source>
        <translation>Aufgabe %1 (%2) abgebrochen.</translation>
    </message>
    <message>
        <source>Long work (model pulls, debates) runs as tasks, shared by every Roundtable process using the same database.

  list          recent tasks, newest first
  show ID       one task in detail
  cancel ID     stop a task (also one running in another process) or dismiss an interrupted one
  resume ID     continue an interrupted pull or debate here, in the foreground (Ctrl-C stops it)</source>
        <translation>Lange Vorgänge (Modell-Downloads, Debatten) laufen als Aufgaben, die alle Roundtable-Prozesse mit derselben Datenbank teilen.

  list          letzte Aufgaben, neueste zuerst
  show ID       eine Aufgabe im Detail
  cancel ID     eine Aufgabe anhalten (auch in einem anderen Prozess) oder eine unterbrochene verwerfen
  resume ID     einen unterbrochenen Download oder eine unterbrochene Debatte hier im Vordergrund fortsetzen (Strg+C hält an)</translation>
    </message>
    <message>
        <source>Print JSON (list, show).</source>
        <translation>JSON ausgeben (list, show).</translation>
    </message>
    <message>
        <source>How many tasks to list (default 50).</source>
        <translation>Wie viele Aufgaben aufgelistet werden (Standard 50).</translation>
    </message>
    <message>
        <source>list, show, cancel or resume</source>
        <translation>list, show, cancel oder resume</translation>
    </message>
    <message>
        <source>Task id (show, cancel, resume)</source>
        <translation>Aufgaben-ID (show, cancel, resume)</translation>
    </message>
    <message>
        <source>Unknown tasks action &quot;%1&quot;. Use: roundtable tasks list|show|cancel|resume</source>
        <translation>Unbekannte tasks-Aktion „%1“. Verwendung: roundtable tasks list|show|cancel|resume</translation>
    </message>
    <message>
        <source>Give one task id, e.g. roundtable tasks %1 12 (roundtable tasks list shows them).</source>
        <extracomment>%1 is the action (show, cancel or resume), which is not translated</extracomment>
        <translation>Eine Aufgaben-ID angeben, z. B. roundtable tasks %1 12 (roundtable tasks list zeigt sie).</translation>
    </message>
</context>
<context>
    <name>rt::cli::watch</name>
    <message>
        <source>No debate is running there; waiting for the next one (Ctrl-C to stop).</source>
        <translation>Dort läuft keine Debatte; warten auf die nächste (Strg+C zum Beenden).</translation>
    </message>
    <message>
        <source>(paused: %1)</source>
        <extracomment>%1 is why the debate paused</extracomment>
        <translation>(pausiert: %1)</translation>
    </message>
    <message>
        <source>(resumed)</source>
        <translation>(fortgesetzt)</translation>
    </message>
    <message>
        <source>Debate %1: %2</source>
        <translation>Debatte %1: %2</translation>
    </message>
    <message numerus="yes">
        <source>  %1, up to %n round(s); seats: %2</source>
        <extracomment>%1 is the debate format (not translated), %2 the agents&apos; names</extracomment>
        <translation>
            <numerusform>  %1, bis zu %n Runde; Plätze: %2</numerusform>
            <numerusform>  %1, bis zu %n Runden; Plätze: %2</numerusform>
        </translation>
    </message>
    <message>
        <source>— Round %1 of %2 (%3): %4</source>
        <extracomment>%3 is the round&apos;s phase (not translated), %4 the agents who speak in it</extracomment>
        <translation>— Runde %1 von %2 (%3): %4</translation>
    </message>
    <message>
        <source>— Round %1</source>
        <translation>— Runde %1</translation>
    </message>
    <message>
        <source> answer: %1</source>
        <extracomment>%1 is the agent&apos;s answer; follows the agent&apos;s name in brackets, hence the leading space</extracomment>
        <translation> Antwort: %1</translation>
    </message>
    <message>
        <source>(note) %1</source>
        <translation>(Hinweis) %1</translation>
    </message>
    <message>
        <source>The debate failed: %1</source>
        <translation>Die Debatte ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Result: %1 (%2 agreement, %3)</source>
        <extracomment>%1 is the answer, %2 the agreement in percent, %3 why the debate stopped</extracomment>
        <translation>Ergebnis: %1 (%2 Zustimmung, %3)</translation>
    </message>
    <message>
        <source>Synthesis by %1: %2</source>
        <extracomment>%1 is an agent name, %2 its summary</extracomment>
        <translation>Synthese von %1: %2</translation>
    </message>
    <message>
        <source>Dissent: %1 answered %2</source>
        <extracomment>%1 is an agent name, %2 its answer</extracomment>
        <translation>Abweichende Meinung: %1 antwortete %2</translation>
    </message>
    <message>
        <source>The debate was interrupted there; it can be continued on that machine.</source>
        <translation>Die Debatte wurde dort unterbrochen; sie kann auf jenem Rechner fortgesetzt werden.</translation>
    </message>
    <message>
        <source>Watch a live debate of another Roundtable, read-only, from its viewer link (Settings → Local Server, or what roundtable serve and roundtable debate --serve print). Prints each finished turn, the consensus after each round and the result; exits when the debate ends.</source>
        <translation>Eine laufende Debatte eines anderen Roundtable schreibgeschützt über dessen Zuschauer-Link verfolgen (Einstellungen → Lokaler Server oder die Ausgabe von roundtable serve und roundtable debate --serve). Gibt jeden fertigen Beitrag, den Konsens nach jeder Runde und das Ergebnis aus; endet, wenn die Debatte endet.</translation>
    </message>
    <message>
        <source>The viewer link: http://HOST:PORT/?token=TOKEN</source>
        <translation>Der Zuschauer-Link: http://HOST:PORT/?token=TOKEN</translation>
    </message>
    <message>
        <source>Print debug output to stderr.</source>
        <translation>Debug-Ausgaben auf stderr schreiben.</translation>
    </message>
    <message>
        <source>Watch this debate (default: the one running, else the next to start).</source>
        <translation>Diese Debatte verfolgen (Standard: die laufende, sonst die nächste, die beginnt).</translation>
    </message>
    <message>
        <source>Print every event of the debate as one JSON line (the protocol&apos;s frames).</source>
        <translation>Jedes Ereignis der Debatte als eine JSON-Zeile ausgeben (die Frames des Protokolls).</translation>
    </message>
    <message>
        <source>Accept a TLS certificate that is not trusted (a self-signed one).</source>
        <translation>Ein nicht vertrauenswürdiges TLS-Zertifikat akzeptieren (etwa ein selbstsigniertes).</translation>
    </message>
    <message>
        <source>Exit 3 when the table cannot be reached for this many seconds (default 60; 0 = keep trying).</source>
        <translation>Mit Exit-Code 3 beenden, wenn der Tisch so viele Sekunden lang nicht erreichbar ist (Standard 60; 0 = weiter versuchen).</translation>
    </message>
    <message>
        <source>Give one viewer link, such as http://192.168.1.20:9477/?token=TOKEN.</source>
        <translation>Einen Zuschauer-Link angeben, etwa http://192.168.1.20:9477/?token=TOKEN.</translation>
    </message>
    <message>
        <source>--debate needs a debate number.</source>
        <translation>--debate braucht eine Debattennummer.</translation>
    </message>
    <message>
        <source>Gave up: %1</source>
        <extracomment>%1 is the connection state, such as why the table cannot be reached</extracomment>
        <translation>Aufgegeben: %1</translation>
    </message>
    <message>
        <source>Consensus after round %1: %2 on “%3” (threshold %4), reached</source>
        <extracomment>%1 is the round, %2 the support for the leading answer %3, %4 the threshold; the consensus was reached</extracomment>
        <translation>Konsens nach Runde %1: %2 für „%3“ (Schwelle %4), erreicht</translation>
    </message>
    <message>
        <source>Consensus after round %1: %2 on “%3” (threshold %4)</source>
        <extracomment>%1 is the round, %2 the support for the leading answer %3, %4 the threshold</extracomment>
        <translation>Konsens nach Runde %1: %2 für „%3“ (Schwelle %4)</translation>
    </message>
</context>
<context>
    <name>rt::debate</name>
    <message>
        <source>The adversarial format takes a proponent, an opponent and optionally a judge: give 2 or 3 agents.</source>
        <translation>Das kontroverse Format braucht einen Befürworter, einen Gegner und optional einen Richter: 2 oder 3 Agenten angeben.</translation>
    </message>
    <message>
        <source>A council needs at least two members besides the chair.</source>
        <translation>Ein Rat braucht neben dem Vorsitz mindestens zwei Mitglieder.</translation>
    </message>
    <message numerus="yes">
        <source>This format needs at least %n debating agent(s).</source>
        <translation>
            <numerusform>Dieses Format braucht mindestens %n diskutierenden Agenten.</numerusform>
            <numerusform>Dieses Format braucht mindestens %n diskutierende Agenten.</numerusform>
        </translation>
    </message>
    <message>
        <source>not stopped</source>
        <translation>nicht beendet</translation>
    </message>
    <message>
        <source>all agents agreed</source>
        <translation>alle Agenten einig</translation>
    </message>
    <message>
        <source>the consensus threshold was reached</source>
        <translation>Konsensschwelle erreicht</translation>
    </message>
    <message>
        <source>no agent changed position</source>
        <translation>keine Positionsänderung mehr</translation>
    </message>
    <message>
        <source>the judge or chair decided</source>
        <translation>Entscheidung durch Richter oder Vorsitz</translation>
    </message>
    <message>
        <source>the maximum number of rounds was reached</source>
        <translation>Höchstzahl an Runden erreicht</translation>
    </message>
    <message>
        <source>the token or time budget ran out</source>
        <translation>Token- oder Zeitbudget aufgebraucht</translation>
    </message>
    <message>
        <source>stopped by the user</source>
        <translation>vom Benutzer angehalten</translation>
    </message>
    <message>
        <source>an error ended the debate</source>
        <translation>durch einen Fehler beendet</translation>
    </message>
    <message>
        <source>The debate needs a question.</source>
        <translation>Die Debatte braucht eine Frage.</translation>
    </message>
    <message>
        <source>The number of rounds must be between 1 and %1.</source>
        <translation>Die Anzahl der Runden muss zwischen 1 und %1 liegen.</translation>
    </message>
    <message>
        <source>The consensus threshold must be above 0 and at most 1.</source>
        <translation>Die Konsensschwelle muss größer als 0 und höchstens 1 sein.</translation>
    </message>
    <message>
        <source>Agreement intensity must be between 0 and 10.</source>
        <translation>Die Zustimmungsintensität muss zwischen 0 und 10 liegen.</translation>
    </message>
    <message>
        <source>Budgets and limits must not be negative (at least 16 tokens per turn).</source>
        <translation>Budgets und Grenzen dürfen nicht negativ sein (mindestens 16 Token pro Beitrag).</translation>
    </message>
    <message>
        <source>The debate needs agents.</source>
        <translation>Die Debatte braucht Agenten.</translation>
    </message>
    <message>
        <source>Agent %1 has no model; give it one or set a default model.</source>
        <translation>Agent %1 hat kein Modell; ihm eines zuweisen oder ein Standardmodell festlegen.</translation>
    </message>
    <message>
        <source>These answers came from roundtable-ollama-sim: the figures describe the debate engine, not the quality of any real model.</source>
        <translation>Diese Antworten stammen von roundtable-ollama-sim: Die Zahlen beschreiben die Debatten-Engine, nicht die Qualität eines echten Modells.</translation>
    </message>
    <message>
        <source>The evaluation was cancelled.</source>
        <translation>Die Auswertung wurde abgebrochen.</translation>
    </message>
    <message>
        <source>%1 is neither JSON nor JSON lines (line %2: %3).</source>
        <translation>%1 ist weder JSON noch JSON Lines (Zeile %2: %3).</translation>
    </message>
    <message>
        <source>Item %1 of %2 needs a &quot;question&quot; and an &quot;answer&quot;.</source>
        <translation>Eintrag %1 von %2 braucht „question“ und „answer“.</translation>
    </message>
    <message>
        <source>%1 contains no questions.</source>
        <translation>%1 enthält keine Fragen.</translation>
    </message>
    <message>
        <source>Cannot read the question set %1: %2</source>
        <translation>Der Fragenkatalog %1 kann nicht gelesen werden: %2</translation>
    </message>
</context>
<context>
    <name>rt::debate::DebateEngine</name>
    <message>
        <source>Embeddings from %1 are not available (%2); free-text answers are grouped by word overlap instead.</source>
        <translation>Embeddings von %1 sind nicht verfügbar (%2); Freitextantworten werden stattdessen nach Wortüberschneidung gruppiert.</translation>
    </message>
    <message>
        <source>wrong number of vectors</source>
        <translation>falsche Anzahl von Vektoren</translation>
    </message>
    <message>
        <source>This engine is already running a debate.</source>
        <translation>Diese Engine führt bereits eine Debatte aus.</translation>
    </message>
    <message>
        <source>The debate could not be saved: %1</source>
        <translation>Die Debatte konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>%1 has no model of its own; using %2.</source>
        <translation>%1 hat kein eigenes Modell; %2 wird verwendet.</translation>
    </message>
    <message>
        <source>%1 has no model of its own; using %2 (%3).</source>
        <translation>%1 hat kein eigenes Modell; %2 wird verwendet (%3).</translation>
    </message>
    <message>
        <source>Paused by the user.</source>
        <translation>Vom Benutzer pausiert.</translation>
    </message>
    <message>
        <source>Round %1 could not be saved: %2</source>
        <translation>Runde %1 konnte nicht gespeichert werden: %2</translation>
    </message>
    <message numerus="yes">
        <source>after %n round(s), because %1.</source>
        <translation>
            <numerusform>nach %n Runde: %1.</numerusform>
            <numerusform>nach %n Runden: %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Moderator</source>
        <translation>Moderator</translation>
    </message>
    <message>
        <source>The moderator note could not be saved: %1</source>
        <translation>Die Moderatornotiz konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>Debate %1 has already ended (%2); there is nothing to resume.</source>
        <translation>Debatte %1 ist bereits beendet (%2); es gibt nichts fortzusetzen.</translation>
    </message>
    <message>
        <source>none of %1&apos;s models (%2) is installed on a reachable Ollama host; pull one with: roundtable models pull %3</source>
        <translation>keines der Modelle von %1 (%2) ist auf einem erreichbaren Ollama-Host installiert; eines herunterladen mit: roundtable models pull %3</translation>
    </message>
    <message>
        <source>%1 is %2</source>
        <translation>%1 ist %2</translation>
    </message>
    <message>
        <source>%1 moved from host %2 to host %3: %4</source>
        <translation>%1 ist von Host %2 zu Host %3 gewechselt: %4</translation>
    </message>
    <message>
        <source>%1&apos;s model %2 is not installed on any reachable host; using %3 instead.</source>
        <translation>Das Modell %2 von %1 ist auf keinem erreichbaren Host installiert; stattdessen wird %3 verwendet.</translation>
    </message>
    <message>
        <source>%1 stopped answering mid-reply (%2)</source>
        <translation>%1 hat mitten in der Antwort aufgehört (%2)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 gave no usable answer this turn (no stance).</source>
        <translation>%1 hat in diesem Beitrag keine verwertbare Antwort gegeben (keine Position).</translation>
    </message>
    <message>
        <source>The reply was stopped before it was complete.</source>
        <translation>Die Antwort wurde angehalten, bevor sie vollständig war.</translation>
    </message>
    <message>
        <source>%1&apos;s reply failed: %2</source>
        <translation>Die Antwort von %1 ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>%1&apos;s reply did not fit the answer format; asking once more.</source>
        <translation>Die Antwort von %1 entsprach nicht dem Antwortformat; es wird noch einmal nachgefragt.</translation>
    </message>
    <message>
        <source>%1&apos;s turn could not be saved: %2</source>
        <translation>Der Beitrag von %1 konnte nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>%1 was skipped this turn: %2</source>
        <translation>%1 wurde diesmal übersprungen: %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Fewer than two agents can speak: %1 The debate is paused; resume it when Ollama is back.</source>
        <translation>Weniger als zwei Agenten können sprechen: %1 Die Debatte ist pausiert; sie fortsetzen, sobald Ollama wieder erreichbar ist.</translation>
    </message>
    <message>
        <source>Fewer than two agents can speak: %1 cannot (no model installed on a reachable host). The debate is paused; install a model or change the agents, then resume.</source>
        <translation>Weniger als zwei Agenten können sprechen. Ohne installiertes Modell auf einem erreichbaren Host: %1. Die Debatte ist pausiert; ein Modell installieren oder die Agenten ändern und dann fortsetzen.</translation>
    </message>
</context>
<context>
    <name>rt::debate::DebateJob</name>
    <message>
        <source>Debate: %1</source>
        <translation>Debatte: %1</translation>
    </message>
    <message>
        <source>Resumed</source>
        <translation>Fortgesetzt</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Round %1 of %2</source>
        <translation>Runde %1 von %2</translation>
    </message>
    <message>
        <source>Round %1 of %2 done, consensus %3%</source>
        <translation>Runde %1 von %2 fertig, Konsens %3 %</translation>
    </message>
    <message>
        <source>The debate failed.</source>
        <translation>Die Debatte ist fehlgeschlagen.</translation>
    </message>
</context>
<context>
    <name>rt::llm</name>
    <message>
        <source>An Ollama host needs a name.</source>
        <translation>Ein Ollama-Host braucht einen Namen.</translation>
    </message>
    <message>
        <source>An Ollama host named “%1” already exists; choose another name.</source>
        <translation>Ein Ollama-Host namens „%1“ existiert bereits; einen anderen Namen wählen.</translation>
    </message>
    <message>
        <source>The URL of the Ollama host “%1” is not valid; use a form like http://127.0.0.1:11434.</source>
        <translation>Die URL des Ollama-Hosts „%1“ ist ungültig; eine Form wie http://127.0.0.1:11434 verwenden.</translation>
    </message>
    <message>
        <source>There is no Ollama host named “%1”.</source>
        <translation>Es gibt keinen Ollama-Host namens „%1“.</translation>
    </message>
    <message>
        <source>No Ollama host is configured; add one in the settings.</source>
        <translation>Es ist kein Ollama-Host konfiguriert; in den Einstellungen einen hinzufügen.</translation>
    </message>
    <message>
        <source>The Ollama host is offline; check that Ollama is running.</source>
        <translation>Der Ollama-Host ist offline; prüfen, ob Ollama läuft.</translation>
    </message>
    <message>
        <source>No Ollama host is reachable right now; check that Ollama is running. %1</source>
        <translation>Derzeit ist kein Ollama-Host erreichbar; prüfen, ob Ollama läuft. %1</translation>
    </message>
    <message>
        <source>None of the models %1 is installed on a reachable Ollama host; pull one with: roundtable models pull %2</source>
        <translation>Keines der Modelle %1 ist auf einem erreichbaren Ollama-Host installiert; eines herunterladen mit: roundtable models pull %2</translation>
    </message>
    <message>
        <source>The model “%1” is not installed on a reachable Ollama host; pull it with: roundtable models pull %1</source>
        <translation>Das Modell „%1“ ist auf keinem erreichbaren Ollama-Host installiert; herunterladen mit: roundtable models pull %1</translation>
    </message>
    <message>
        <source>Ollama host “%1” at %2 is offline (%3); retrying in %4 s.</source>
        <translation>Ollama-Host „%1“ unter %2 ist offline (%3); neuer Versuch in %4 s.</translation>
    </message>
    <message>
        <source>Checking whether Ollama host “%1” is back.</source>
        <translation>Es wird geprüft, ob Ollama-Host „%1“ wieder erreichbar ist.</translation>
    </message>
    <message>
        <source>Ollama host “%1” is back online.</source>
        <translation>Ollama-Host „%1“ ist wieder online.</translation>
    </message>
    <message>
        <source>An Ollama host in the settings has no name; give every host a name.</source>
        <translation>Ein Ollama-Host in den Einstellungen hat keinen Namen; jedem Host einen Namen geben.</translation>
    </message>
    <message>
        <source>The Ollama host “%1” has an invalid URL; use a form like http://127.0.0.1:11434.</source>
        <translation>Der Ollama-Host „%1“ hat eine ungültige URL; eine Form wie http://127.0.0.1:11434 verwenden.</translation>
    </message>
    <message>
        <source>There is no Ollama host named “%1”; the configured hosts are: %2.</source>
        <translation>Es gibt keinen Ollama-Host namens „%1“; konfiguriert sind: %2.</translation>
    </message>
    <message>
        <source>The Ollama host is gone; try again.</source>
        <translation>Der Ollama-Host ist nicht mehr vorhanden; erneut versuchen.</translation>
    </message>
    <message>
        <source>The download of %1 was stopped; pulling it again resumes where it left off.</source>
        <translation>Der Download von %1 wurde angehalten; erneutes Herunterladen setzt ihn dort fort, wo er aufgehört hat.</translation>
    </message>
    <message>
        <source>The model “%1” does not exist in the Ollama library; check the name and tag.</source>
        <translation>Das Modell „%1“ existiert nicht in der Ollama-Bibliothek; Name und Tag prüfen.</translation>
    </message>
    <message>
        <source>No Ollama host came back in time; check that Ollama is running.</source>
        <translation>Kein Ollama-Host war rechtzeitig wieder erreichbar; prüfen, ob Ollama läuft.</translation>
    </message>
    <message>
        <source>The connection pool was closed.</source>
        <translation>Der Verbindungspool wurde geschlossen.</translation>
    </message>
    <message>
        <source>The request could not be placed on any Ollama host.</source>
        <translation>Die Anfrage konnte keinem Ollama-Host zugewiesen werden.</translation>
    </message>
    <message>
        <source>The model “%1” is not installed on %2; trying another host or fallback model.</source>
        <translation>Das Modell „%1“ ist auf %2 nicht installiert; ein anderer Host oder ein Ersatzmodell wird versucht.</translation>
    </message>
    <message>
        <source>Ollama host %1 failed (%2); trying another host.</source>
        <translation>Ollama-Host %1 ist fehlgeschlagen (%2); ein anderer Host wird versucht.</translation>
    </message>
    <message>
        <source>Stopped by the user.</source>
        <translation>Vom Benutzer angehalten.</translation>
    </message>
    <message>
        <source>Fetching manifest</source>
        <translation>Manifest wird abgerufen</translation>
    </message>
    <message>
        <source>Writing manifest</source>
        <translation>Manifest wird geschrieben</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>noch %1</translation>
    </message>
    <message>
        <source>%1 %2% (%3)</source>
        <translation>%1 %2 % (%3)</translation>
    </message>
    <message>
        <source>The model read only %1 prompt tokens where about %2 were expected: Ollama probably dropped the oldest messages to fit its context window. Raise num_ctx or shorten the conversation.</source>
        <extracomment>%1 and %2 are numbers of tokens; num_ctx is an option name (not translated)</extracomment>
        <translation>Das Modell hat nur %1 Prompt-Token gelesen, erwartet waren etwa %2: Ollama hat wahrscheinlich die ältesten Nachrichten verworfen, damit alles ins Kontextfenster passt. num_ctx erhöhen oder die Unterhaltung kürzen.</translation>
    </message>
    <message>
        <source>The prompt filled the whole context window (%1 of %2 tokens): older text was probably cut. Raise num_ctx or shorten the conversation.</source>
        <extracomment>%1 and %2 are numbers of tokens; num_ctx is an option name (not translated)</extracomment>
        <translation>Der Prompt hat das ganze Kontextfenster gefüllt (%1 von %2 Token): Älterer Text wurde wahrscheinlich abgeschnitten. num_ctx erhöhen oder die Unterhaltung kürzen.</translation>
    </message>
    <message>
        <source>line %1 is not valid JSON (%2 at byte %3): %4</source>
        <translation>Zeile %1 ist kein gültiges JSON (%2 bei Byte %3): %4</translation>
    </message>
    <message>
        <source>line %1 is JSON but not an object: %2</source>
        <extracomment>Why a streamed reply could not be read: %1 is a line number, %2 the start of the line</extracomment>
        <translation>Zeile %1 ist JSON, aber kein Objekt: %2</translation>
    </message>
    <message>
        <source>a line is longer than %1 MB; the stream is not NDJSON or is corrupt</source>
        <extracomment>Why a streamed reply could not be read: %1 is a size in megabytes; NDJSON is a format name</extracomment>
        <translation>eine Zeile ist länger als %1 MB; der Datenstrom ist kein NDJSON oder beschädigt</translation>
    </message>
    <message>
        <source>Ollama stopped with an error in the middle of the reply: %1</source>
        <extracomment>%1 is the error message from Ollama</extracomment>
        <translation>Ollama hat mitten in der Antwort mit einem Fehler abgebrochen: %1</translation>
    </message>
    <message>
        <source>Ollama at %1 sent a reply that could not be read (%2); the text received so far is kept.</source>
        <extracomment>%1 is the address of an Ollama host, %2 what was wrong with the reply</extracomment>
        <translation>Ollama unter %1 hat eine unlesbare Antwort gesendet (%2); der bisher empfangene Text bleibt erhalten.</translation>
    </message>
    <message>
        <source>Could not connect to Ollama at %1 within %2 s. Check that the host is up and reachable.</source>
        <extracomment>%1 is the address of an Ollama host, %2 a number of seconds</extracomment>
        <translation>Keine Verbindung zu Ollama unter %1 innerhalb von %2 s. Prüfen, ob der Host läuft und erreichbar ist.</translation>
    </message>
    <message>
        <source>Ollama at %1 did not start answering within %2 s. A large model may still be loading: try again, or raise the first-token timeout in the settings.</source>
        <extracomment>%1 is the address of an Ollama host, %2 a number of seconds</extracomment>
        <translation>Ollama unter %1 hat nicht innerhalb von %2 s zu antworten begonnen. Möglicherweise wird noch ein großes Modell geladen: erneut versuchen oder in den Einstellungen die Wartezeit auf das erste Token erhöhen.</translation>
    </message>
    <message>
        <source>Ollama at %1 stopped sending in the middle of the reply (silent for %2 s); the text received so far is kept.</source>
        <extracomment>%1 is the address of an Ollama host, %2 a number of seconds</extracomment>
        <translation>Ollama unter %1 hat mitten in der Antwort aufgehört zu senden (%2 s keine Daten); der bisher empfangene Text bleibt erhalten.</translation>
    </message>
    <message>
        <source>the connection closed</source>
        <translation>die Verbindung wurde geschlossen</translation>
    </message>
    <message>
        <source>The reply from Ollama at %1 ended before it was complete (%2); the text received so far is kept.</source>
        <extracomment>%1 is the address of an Ollama host, %2 why the reply ended (a network error, or &quot;the connection closed&quot;)</extracomment>
        <translation>Die Antwort von Ollama unter %1 endete, bevor sie vollständig war (%2); der bisher empfangene Text bleibt erhalten.</translation>
    </message>
    <message>
        <source>Ollama at %1 did not answer %2 within %3 s.</source>
        <extracomment>%1 is the address of an Ollama host, %2 the API path (such as /api/tags), %3 a number of seconds</extracomment>
        <translation>Ollama unter %1 hat %2 nicht innerhalb von %3 s beantwortet.</translation>
    </message>
    <message>
        <source>Ollama at %1 answered %2 with something that is not JSON (%3).</source>
        <extracomment>%1 is the address of an Ollama host, %2 the API path (such as /api/tags), %3 the parse error</extracomment>
        <translation>Ollama unter %1 hat auf %2 mit etwas geantwortet, das kein JSON ist (%3).</translation>
    </message>
    <message>
        <source>Ollama is not running at %1. Start it with &quot;ollama serve&quot;, or point Roundtable at the right host with --ollama-host or OLLAMA_HOST.</source>
        <extracomment>%1 is the address of an Ollama host; &quot;ollama serve&quot;, --ollama-host and OLLAMA_HOST are not translated</extracomment>
        <translation>Ollama läuft nicht unter %1. Es mit „ollama serve“ starten oder Roundtable mit --ollama-host oder OLLAMA_HOST auf den richtigen Host verweisen.</translation>
    </message>
    <message>
        <source>The host in %1 could not be found. Check the address given with --ollama-host or OLLAMA_HOST.</source>
        <extracomment>%1 is the address of an Ollama host</extracomment>
        <translation>Der Host in %1 wurde nicht gefunden. Die mit --ollama-host oder OLLAMA_HOST angegebene Adresse prüfen.</translation>
    </message>
    <message>
        <source>Ollama at %1 could not be reached (%2).</source>
        <extracomment>%1 is the address of an Ollama host, %2 the network error</extracomment>
        <translation>Ollama unter %1 ist nicht erreichbar (%2).</translation>
    </message>
    <message>
        <source>Ollama at %1 closed the connection before answering. It may have crashed or restarted; try again.</source>
        <extracomment>%1 is the address of an Ollama host</extracomment>
        <translation>Ollama unter %1 hat die Verbindung vor der Antwort geschlossen. Möglicherweise ist es abgestürzt oder wurde neu gestartet; erneut versuchen.</translation>
    </message>
    <message>
        <source>The secure connection to %1 failed: %2</source>
        <extracomment>%1 is the address of an Ollama host, %2 the TLS error</extracomment>
        <translation>Die sichere Verbindung zu %1 ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>The request to Ollama at %1 failed: %2</source>
        <extracomment>%1 is the address of an Ollama host, %2 the network error</extracomment>
        <translation>Die Anfrage an Ollama unter %1 ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>The model &quot;%1&quot; is not installed on %2. Pull it first with &quot;ollama pull %1&quot; (or roundtable models pull %1).</source>
        <extracomment>%1 is a model name, %2 the address of an Ollama host</extracomment>
        <translation>Das Modell „%1“ ist auf %2 nicht installiert. Es zuerst mit „ollama pull %1“ (oder roundtable models pull %1) herunterladen.</translation>
    </message>
    <message>
        <source>Ollama at %1 answered: %2</source>
        <extracomment>%1 is the address of an Ollama host, %2 its error message</extracomment>
        <translation>Ollama unter %1 hat geantwortet: %2</translation>
    </message>
    <message>
        <source>The server at %1 does not offer %2. It may be an older Ollama, or not Ollama at all: update Ollama or check the address.</source>
        <extracomment>%1 is the address of a server, %2 the API path it lacks (such as /api/chat)</extracomment>
        <translation>Der Server unter %1 bietet %2 nicht an. Möglicherweise ist es ein älteres Ollama oder gar kein Ollama: Ollama aktualisieren oder die Adresse prüfen.</translation>
    </message>
    <message>
        <source>Ollama rejected the request: %1</source>
        <extracomment>%1 is the error message from Ollama</extracomment>
        <translation>Ollama hat die Anfrage abgelehnt: %1</translation>
    </message>
    <message>
        <source>Ollama at %1 is busy and did not take the request (%2). Wait a moment and try again.</source>
        <extracomment>%1 is the address of an Ollama host, %2 its error message</extracomment>
        <translation>Ollama unter %1 ist ausgelastet und hat die Anfrage nicht angenommen (%2). Kurz warten und erneut versuchen.</translation>
    </message>
    <message>
        <source>Ollama at %1 refused the request (403: %2). Check OLLAMA_ORIGINS and the host name.</source>
        <extracomment>%1 is the address of an Ollama host, %2 its error message; OLLAMA_ORIGINS is not translated</extracomment>
        <translation>Ollama unter %1 hat die Anfrage verweigert (403: %2). OLLAMA_ORIGINS und den Hostnamen prüfen.</translation>
    </message>
    <message>
        <source>Ollama at %1 failed with an internal error (%2): %3</source>
        <extracomment>%1 is the address of an Ollama host, %2 the HTTP status code, %3 its error message</extracomment>
        <translation>Ollama unter %1 ist mit einem internen Fehler gescheitert (%2): %3</translation>
    </message>
    <message>
        <source>Ollama at %1 answered with HTTP %2: %3</source>
        <extracomment>%1 is the address of an Ollama host, %2 the HTTP status code, %3 its error message</extracomment>
        <translation>Ollama unter %1 hat mit HTTP %2 geantwortet: %3</translation>
    </message>
    <message>
        <source>it is empty; use a form like http://127.0.0.1:11434</source>
        <extracomment>Why an Ollama host address is not valid; it completes a sentence such as: &quot;X&quot; is not a valid Ollama host: REASON</extracomment>
        <translation>die Adresse ist leer; eine Form wie http://127.0.0.1:11434 verwenden</translation>
    </message>
    <message>
        <source>the scheme must be http or https, not %1</source>
        <extracomment>Why an Ollama host address is not valid; %1 is the scheme given (such as ftp)</extracomment>
        <translation>das Schema muss http oder https sein, nicht %1</translation>
    </message>
    <message>
        <source>the IPv6 address has no closing ]</source>
        <translation>der IPv6-Adresse fehlt die schließende ]</translation>
    </message>
    <message>
        <source>unexpected text after the IPv6 address</source>
        <translation>unerwarteter Text nach der IPv6-Adresse</translation>
    </message>
    <message>
        <source>the port after &apos;:&apos; is missing</source>
        <translation>der Port nach „:“ fehlt</translation>
    </message>
    <message>
        <source>the host name is missing</source>
        <translation>der Hostname fehlt</translation>
    </message>
    <message>
        <source>the port &quot;%1&quot; is not a number from 1 to 65535</source>
        <extracomment>Why an Ollama host address is not valid; %1 is the port given</extracomment>
        <translation>der Port „%1“ ist keine Zahl von 1 bis 65535</translation>
    </message>
    <message>
        <source>the host name has characters a host name cannot have</source>
        <translation>der Hostname enthält unzulässige Zeichen</translation>
    </message>
</context>
<context>
    <name>rt::metrics</name>
    <message>
        <source>the last minute</source>
        <translation>der letzten Minute</translation>
    </message>
    <message>
        <source>the last %1 minutes</source>
        <translation>den letzten %1 Minuten</translation>
    </message>
    <message>
        <source>the last %1 seconds</source>
        <translation>den letzten %1 Sekunden</translation>
    </message>
    <message>
        <source>%1: down; checking whether it is back</source>
        <translation>%1: ausgefallen; es wird geprüft, ob er wieder erreichbar ist</translation>
    </message>
    <message>
        <source>%1: not answering (circuit breaker open)</source>
        <translation>%1: antwortet nicht (Sicherung ausgelöst)</translation>
    </message>
    <message>
        <source>%1: %2 of requests failed in %3</source>
        <translation>%1: %2 der Anfragen in %3 fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1: first tokens took %2 s (p95) in %3</source>
        <translation>%1: Zeit bis zum ersten Token %2 s (p95) in %3</translation>
    </message>
    <message>
        <source>No Ollama host is configured.</source>
        <translation>Es ist kein Ollama-Host konfiguriert.</translation>
    </message>
    <message>
        <source>Every Ollama host is down: %1</source>
        <translation>Alle Ollama-Hosts sind ausgefallen: %1</translation>
    </message>
    <message>
        <source>Ollama host %1 is answering normally.</source>
        <translation>Ollama-Host %1 antwortet normal.</translation>
    </message>
    <message>
        <source>All %1 Ollama hosts are answering normally.</source>
        <translation>Alle %1 Ollama-Hosts antworten normal.</translation>
    </message>
</context>
<context>
    <name>rt::server</name>
    <message>
        <source>TLS is not available on this system (no TLS backend for Qt).</source>
        <translation>TLS ist auf diesem System nicht verfügbar (kein TLS-Backend für Qt).</translation>
    </message>
    <message>
        <source>Cannot read the certificate %1: %2.</source>
        <translation>Das Zertifikat %1 kann nicht gelesen werden: %2.</translation>
    </message>
    <message>
        <source>Cannot read the private key %1: %2.</source>
        <translation>Der private Schlüssel %1 kann nicht gelesen werden: %2.</translation>
    </message>
    <message>
        <source>%1 holds no PEM certificate.</source>
        <translation>%1 enthält kein PEM-Zertifikat.</translation>
    </message>
    <message>
        <source>%1 holds no unencrypted PEM private key (RSA or EC).</source>
        <translation>%1 enthält keinen unverschlüsselten privaten PEM-Schlüssel (RSA oder EC).</translation>
    </message>
    <message>
        <source>Cannot listen on %1 port %2: %3. Choose another port or stop what uses it.</source>
        <translation>Lauschen auf %1, Port %2 nicht möglich: %3. Einen anderen Port wählen oder beenden, was ihn belegt.</translation>
    </message>
    <message>
        <source>This server has no viewers.</source>
        <translation>Dieser Server hat keine Zuschauer.</translation>
    </message>
    <message>
        <source>/ws is for WebSocket viewers: open the viewer page instead.</source>
        <translation>/ws ist für WebSocket-Zuschauer: stattdessen die Zuschauerseite öffnen.</translation>
    </message>
    <message>
        <source>Only GET is allowed on %1.</source>
        <translation>Auf %1 ist nur GET erlaubt.</translation>
    </message>
    <message>
        <source>The viewer page is not part of this build.</source>
        <translation>Die Zuschauerseite ist nicht Teil dieses Builds.</translation>
    </message>
    <message>
        <source>A valid bearer token is required: send “Authorization: Bearer TOKEN” with the token shown in Settings or printed by roundtable serve.</source>
        <translation>Ein gültiges Bearer-Token ist erforderlich: „Authorization: Bearer TOKEN“ mit dem Token senden, das in den Einstellungen angezeigt oder von roundtable serve ausgegeben wird.</translation>
    </message>
    <message>
        <source>Send the bearer token for hosts and figures.</source>
        <translation>Für Hosts und Kennzahlen das Bearer-Token senden.</translation>
    </message>
    <message>
        <source>Nothing here: %1. Try /metrics, /health or / (the viewer page).</source>
        <translation>Hier gibt es nichts: %1. /metrics, /health oder / (die Zuschauerseite) versuchen.</translation>
    </message>
</context>
<context>
    <name>rt::server::MetricsService</name>
    <message>
        <source>The address to listen on is not valid.</source>
        <translation>Die Adresse, auf der gelauscht werden soll, ist ungültig.</translation>
    </message>
</context>
<context>
    <name>rt::server::RemoteTable</name>
    <message>
        <source>Not connected.</source>
        <translation>Nicht verbunden.</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbindung zu %1 wird hergestellt…</translation>
    </message>
    <message>
        <source>%1 Trying again in %2 s.</source>
        <translation>%1 Neuer Versuch in %2 s.</translation>
    </message>
    <message>
        <source>The viewer link&apos;s token is not valid (it changes at every server start): ask for a new link.</source>
        <translation>Das Token des Zuschauer-Links ist ungültig (es ändert sich bei jedem Serverstart): nach einem neuen Link fragen.</translation>
    </message>
    <message>
        <source>The table refused this viewer: %1.</source>
        <translation>Der Tisch hat diesen Zuschauer abgewiesen: %1.</translation>
    </message>
    <message>
        <source>The connection to %1 was lost.</source>
        <translation>Die Verbindung zu %1 wurde unterbrochen.</translation>
    </message>
    <message>
        <source>Cannot reach %1 (%2).</source>
        <translation>%1 ist nicht erreichbar (%2).</translation>
    </message>
    <message>
        <source>The table speaks protocol version %1; this Roundtable knows version %2. Update one of them.</source>
        <translation>Der Tisch spricht Protokollversion %1; dieses Roundtable kennt Version %2. Eines von beiden aktualisieren.</translation>
    </message>
    <message>
        <source>Watching %1 (read-only).</source>
        <translation>Zuschauen bei %1 (schreibgeschützt).</translation>
    </message>
    <message>
        <source>Some events were missed.</source>
        <translation>Einige Ereignisse wurden verpasst.</translation>
    </message>
</context>
<context>
    <name>rt::server::ViewerHub</name>
    <message>
        <source>Too many wrong tokens from your address; try again in a minute.</source>
        <translation>Zu viele falsche Token von dieser Adresse; in einer Minute erneut versuchen.</translation>
    </message>
    <message>
        <source>Too many connections from your address; try again in a minute.</source>
        <translation>Zu viele Verbindungen von dieser Adresse; in einer Minute erneut versuchen.</translation>
    </message>
    <message>
        <source>Viewers connect to /ws.</source>
        <translation>Zuschauer verbinden sich mit /ws.</translation>
    </message>
    <message>
        <source>This page may not watch: its origin %1 is not this server.</source>
        <translation>Diese Seite darf nicht zuschauen: Ihr Ursprung %1 ist nicht dieser Server.</translation>
    </message>
    <message numerus="yes">
        <source>The table is full: %n viewer(s) are watching already.</source>
        <translation>
            <numerusform>Der Tisch ist voll: %n Zuschauer schaut bereits zu.</numerusform>
            <numerusform>Der Tisch ist voll: %n Zuschauer schauen bereits zu.</numerusform>
        </translation>
    </message>
    <message>
        <source>Viewers are read-only: nothing sent here changes the table.</source>
        <translation>Zuschauer haben nur Lesezugriff: Was hier gesendet wird, ändert den Tisch nicht.</translation>
    </message>
</context>
<context>
    <name>rt::storage</name>
    <message>
        <source>There is no agent with id %1.</source>
        <translation>Es gibt keinen Agenten mit der ID %1.</translation>
    </message>
    <message>
        <source>%1 — the file does not exist yet; Roundtable creates it on first use.</source>
        <translation>%1 – die Datei existiert noch nicht; Roundtable legt sie bei der ersten Verwendung an.</translation>
    </message>
    <message>
        <source>%1 — empty database; Roundtable sets it up on first use.</source>
        <translation>%1 – leere Datenbank; Roundtable richtet sie bei der ersten Verwendung ein.</translation>
    </message>
    <message>
        <source>%1 — written by a newer Roundtable (schema %2, this one knows %3); it would be refused.</source>
        <translation>%1 – von einem neueren Roundtable geschrieben (Schema %2, dieses kennt %3); sie würde abgelehnt.</translation>
    </message>
    <message numerus="yes">
        <source>%1 — %n conversation(s), </source>
        <translation>
            <numerusform>%1 – %n Unterhaltung, </numerusform>
            <numerusform>%1 – %n Unterhaltungen, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n debate(s).</source>
        <translation>
            <numerusform>%n Debatte.</numerusform>
            <numerusform>%n Debatten.</numerusform>
        </translation>
    </message>
    <message>
        <source>The folder %1 does not exist and cannot be created.</source>
        <translation>Der Ordner %1 existiert nicht und kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>The folder %1 is not writable.</source>
        <translation>Der Ordner %1 ist nicht beschreibbar.</translation>
    </message>
    <message>
        <source>%1 is a folder, not a database file.</source>
        <translation>%1 ist ein Ordner, keine Datenbankdatei.</translation>
    </message>
    <message>
        <source>There is no conversation with id %1. Run &apos;roundtable history list&apos; to see the ids.</source>
        <translation>Es gibt keine Unterhaltung mit der ID %1. Mit „roundtable history list“ die IDs anzeigen.</translation>
    </message>
    <message>
        <source>The Qt database driver %1 is not installed. Install the package libqt6sql6-%2 and try again.</source>
        <translation>Der Qt-Datenbanktreiber %1 ist nicht installiert. Das Paket libqt6sql6-%2 installieren und erneut versuchen.</translation>
    </message>
    <message>
        <source>Cannot open the database %1: it is a folder or a device, not a file. Choose a file path with --db.</source>
        <translation>Die Datenbank %1 kann nicht geöffnet werden: Sie ist ein Ordner oder ein Gerät, keine Datei. Mit --db einen Dateipfad wählen.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the database. Check its permissions or choose another location with --db or ROUNDTABLE_DB.</source>
        <translation>Der Ordner %1 für die Datenbank kann nicht angelegt werden. Seine Berechtigungen prüfen oder mit --db oder ROUNDTABLE_DB einen anderen Ort wählen.</translation>
    </message>
    <message>
        <source>There is no database at %1 yet. Check the path, or run roundtable once to create it.</source>
        <translation>Unter %1 gibt es noch keine Datenbank. Den Pfad prüfen oder Roundtable einmal ausführen, um sie anzulegen.</translation>
    </message>
    <message>
        <source>Opening the database %1</source>
        <translation>Das Öffnen der Datenbank %1</translation>
    </message>
    <message>
        <source>Cannot connect to PostgreSQL at %1: %2. Check that the server is running and that the URL, user and password are right.</source>
        <translation>Keine Verbindung zu PostgreSQL unter %1: %2. Prüfen, ob der Server läuft und ob URL, Benutzer und Passwort stimmen.</translation>
    </message>
    <message>
        <source>Preparing a statement</source>
        <translation>Das Vorbereiten einer Anweisung</translation>
    </message>
    <message>
        <source>A database statement</source>
        <translation>Eine Datenbankanweisung</translation>
    </message>
    <message>
        <source>The database did not return the id of the new row.</source>
        <translation>Die Datenbank hat die ID der neuen Zeile nicht zurückgegeben.</translation>
    </message>
    <message>
        <source>Commit without a transaction (a bug in Roundtable).</source>
        <translation>Commit ohne Transaktion (ein Fehler in Roundtable).</translation>
    </message>
    <message>
        <source>The database %1 is locked by another program (perhaps another Roundtable window or command). Close it or wait for it to finish, then try again.</source>
        <translation>Die Datenbank %1 ist von einem anderen Programm gesperrt (vielleicht einem anderen Roundtable-Fenster oder -Befehl). Es schließen oder warten, bis es fertig ist, und dann erneut versuchen.</translation>
    </message>
    <message>
        <source>The file %1 is not a Roundtable database, or it is damaged. Choose another file with --db, or restore a backup.</source>
        <translation>Die Datei %1 ist keine Roundtable-Datenbank oder ist beschädigt. Mit --db eine andere Datei wählen oder eine Sicherung wiederherstellen.</translation>
    </message>
    <message>
        <source>The database %1 is damaged (%2). Run &apos;roundtable db check&apos;, and restore a backup if it reports problems.</source>
        <translation>Die Datenbank %1 ist beschädigt (%2). „roundtable db check“ ausführen und eine Sicherung wiederherstellen, falls Probleme gemeldet werden.</translation>
    </message>
    <message>
        <source>Cannot open the database %1: the file or its folder is missing or not writable. Check the permissions, or choose another location with --db or ROUNDTABLE_DB.</source>
        <translation>Die Datenbank %1 kann nicht geöffnet werden: Die Datei oder ihr Ordner fehlt oder ist nicht beschreibbar. Die Berechtigungen prüfen oder mit --db oder ROUNDTABLE_DB einen anderen Ort wählen.</translation>
    </message>
    <message>
        <source>Cannot write to the database %1: it or its folder is read-only. Check the permissions, or choose another location with --db.</source>
        <translation>In die Datenbank %1 kann nicht geschrieben werden: Sie oder ihr Ordner ist schreibgeschützt. Die Berechtigungen prüfen oder mit --db einen anderen Ort wählen.</translation>
    </message>
    <message>
        <source>The disk holding %1 is full. Free some space and try again.</source>
        <translation>Der Datenträger mit %1 ist voll. Platz freigeben und erneut versuchen.</translation>
    </message>
    <message>
        <source>%1 failed: an entry with the same name or key already exists.</source>
        <translation>%1 ist fehlgeschlagen: Ein Eintrag mit demselben Namen oder Schlüssel existiert bereits.</translation>
    </message>
    <message>
        <source>%1 failed: the data was rejected as invalid (%2).</source>
        <translation>%1 ist fehlgeschlagen: Die Daten wurden als ungültig abgelehnt (%2).</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>The PostgreSQL server&apos;s disk is full. Ask its administrator to free space.</source>
        <translation>Der Datenträger des PostgreSQL-Servers ist voll. Den Administrator bitten, Platz freizugeben.</translation>
    </message>
    <message>
        <source>The connection to PostgreSQL at %1 was lost. Roundtable keeps unsaved changes and reconnects automatically.</source>
        <translation>Die Verbindung zu PostgreSQL unter %1 wurde unterbrochen. Roundtable behält ungespeicherte Änderungen und verbindet sich automatisch neu.</translation>
    </message>
    <message>
        <source>No database given. Pass a SQLite file path or a postgresql:// URL.</source>
        <translation>Keine Datenbank angegeben. Einen SQLite-Dateipfad oder eine postgresql://-URL angeben.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid PostgreSQL URL. Use postgresql://user:password@host:port/database.</source>
        <translation>„%1“ ist keine gültige PostgreSQL-URL. postgresql://user:password@host:port/database verwenden.</translation>
    </message>
    <message>
        <source>Unsupported database URL &quot;%1&quot;. Use a SQLite file path or postgresql://user:password@host:port/database.</source>
        <translation>Nicht unterstützte Datenbank-URL „%1“. Einen SQLite-Dateipfad oder postgresql://user:password@host:port/database verwenden.</translation>
    </message>
    <message>
        <source>Debate turn %1 is already %2, so its text cannot change any more.</source>
        <translation>Der Debattenbeitrag %1 ist bereits %2, daher kann sich sein Text nicht mehr ändern.</translation>
    </message>
    <message>
        <source>Row %1 of table %2 points to a missing row in %3.</source>
        <translation>Zeile %1 der Tabelle %2 verweist auf eine fehlende Zeile in %3.</translation>
    </message>
    <message>
        <source>The search index %1 is out of step with its table: %2</source>
        <translation>Der Suchindex %1 ist nicht synchron mit seiner Tabelle: %2</translation>
    </message>
    <message>
        <source>The table %1 is missing.</source>
        <translation>Die Tabelle %1 fehlt.</translation>
    </message>
    <message>
        <source>The constraint %2 on %1 is not validated.</source>
        <translation>Die Integritätsbedingung %2 für %1 ist nicht validiert.</translation>
    </message>
    <message>
        <source>Backups of a PostgreSQL database are made with the server&apos;s tools, for example: pg_dump -Fc -f roundtable.dump %1</source>
        <translation>Sicherungen einer PostgreSQL-Datenbank werden mit den Werkzeugen des Servers erstellt, zum Beispiel: pg_dump -Fc -f roundtable.dump %1</translation>
    </message>
    <message>
        <source>The backup file %1 already exists. Choose a new file name, or delete the old backup first.</source>
        <translation>Die Sicherungsdatei %1 existiert bereits. Einen neuen Dateinamen wählen oder zuerst die alte Sicherung löschen.</translation>
    </message>
    <message>
        <source>The folder %1 does not exist. Create it or choose another place for the backup.</source>
        <translation>Der Ordner %1 existiert nicht. Ihn anlegen oder einen anderen Ort für die Sicherung wählen.</translation>
    </message>
    <message>
        <source>A backup cannot run inside a transaction (a bug in Roundtable).</source>
        <translation>Eine Sicherung kann nicht innerhalb einer Transaktion laufen (ein Fehler in Roundtable).</translation>
    </message>
    <message>
        <source>The backup to %1 failed: %2</source>
        <translation>Die Sicherung nach %1 ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>There is no conversation with id %1 to add the message to.</source>
        <translation>Es gibt keine Unterhaltung mit der ID %1, zu der die Nachricht hinzugefügt werden könnte.</translation>
    </message>
    <message>
        <source>Message %1 is already %2, so its text cannot change any more.</source>
        <translation>Nachricht %1 ist bereits %2, daher kann sich ihr Text nicht mehr ändern.</translation>
    </message>
    <message>
        <source>Invalid metric retention: the bucket must be positive and the kept age at least the raw age.</source>
        <translation>Ungültige Aufbewahrung der Metriken: Das Aggregationsintervall muss positiv sein und das Aufbewahrungsalter mindestens so groß wie das Alter der Rohdaten.</translation>
    </message>
    <message>
        <source>The database %1 was created by a newer version of Roundtable (schema %2; this version knows up to %3). It was left untouched. Update Roundtable, or use another database with --db.</source>
        <translation>Die Datenbank %1 wurde von einer neueren Roundtable-Version erstellt (Schema %2; diese Version kennt bis %3). Sie wurde nicht verändert. Roundtable aktualisieren oder mit --db eine andere Datenbank verwenden.</translation>
    </message>
    <message>
        <source>Updating the database schema</source>
        <translation>Die Aktualisierung des Datenbankschemas</translation>
    </message>
    <message>
        <source>Updating the database to schema %1 (%2) failed, so nothing was changed: %3</source>
        <translation>Die Aktualisierung der Datenbank auf Schema %1 (%2) ist fehlgeschlagen, daher wurde nichts geändert: %3</translation>
    </message>
    <message>
        <source>%1 failed, so nothing was changed: %2</source>
        <translation>%1 ist fehlgeschlagen, daher wurde nichts geändert: %2</translation>
    </message>
    <message>
        <source>The database %1 was created by a newer version of Roundtable (schema %2; this version knows up to %3). Update Roundtable, or use another database with --db.</source>
        <translation>Die Datenbank %1 wurde von einer neueren Roundtable-Version erstellt (Schema %2; diese Version kennt bis %3). Roundtable aktualisieren oder mit --db eine andere Datenbank verwenden.</translation>
    </message>
    <message>
        <source>The database %1 uses an older schema (%2) and was opened read-only, so it cannot be updated. Run Roundtable once without read-only access to update it.</source>
        <translation>Die Datenbank %1 verwendet ein älteres Schema (%2) und wurde schreibgeschützt geöffnet, daher kann sie nicht aktualisiert werden. Roundtable einmal ohne Schreibschutz ausführen, um sie zu aktualisieren.</translation>
    </message>
    <message>
        <source>There is no task with id %1.</source>
        <translation>Es gibt keine Aufgabe mit der ID %1.</translation>
    </message>
    <message>
        <source>Conversation %1</source>
        <translation>Unterhaltung %1</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>Modell: %1</translation>
    </message>
    <message>
        <source>Started: %1</source>
        <translation>Gestartet: %1</translation>
    </message>
    <message>
        <source>Messages: %1</source>
        <translation>Nachrichten: %1</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>System-Prompt</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>Status: %1</translation>
    </message>
    <message>
        <source>Thinking</source>
        <translation>Denkprozess</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Format: %1</source>
        <translation>Format: %1</translation>
    </message>
    <message>
        <source>Finished: %1</source>
        <translation>Beendet: %1</translation>
    </message>
    <message>
        <source>Consensus: %1%</source>
        <translation>Konsens: %1 %</translation>
    </message>
    <message>
        <source>Stopped because: %1</source>
        <translation>Grund für das Ende: %1</translation>
    </message>
    <message>
        <source>Participants</source>
        <translation>Teilnehmer</translation>
    </message>
    <message>
        <source>Round %1</source>
        <translation>Runde %1</translation>
    </message>
    <message>
        <source>Consensus after this round: %1%</source>
        <translation>Konsens nach dieser Runde: %1 %</translation>
    </message>
    <message>
        <source>confidence %1%</source>
        <translation>Zuversicht %1 %</translation>
    </message>
    <message>
        <source>changed position</source>
        <translation>Position geändert</translation>
    </message>
    <message>
        <source>Synthesis</source>
        <translation>Synthese</translation>
    </message>
    <message>
        <source>Final answer</source>
        <translation>Endgültige Antwort</translation>
    </message>
    <message>
        <source>the JSON is malformed (%1 at byte %2)</source>
        <translation>das JSON ist fehlerhaft (%1 bei Byte %2)</translation>
    </message>
    <message>
        <source>it has no &quot;format&quot;: &quot;%1&quot; field</source>
        <translation>das Feld &quot;format&quot;: &quot;%1&quot; fehlt</translation>
    </message>
    <message>
        <source>it was written by a newer Roundtable (export version %1); update Roundtable to import it</source>
        <translation>sie wurde von einem neueren Roundtable geschrieben (Exportversion %1); zum Importieren Roundtable aktualisieren</translation>
    </message>
    <message>
        <source>unknown kind &quot;%1&quot;</source>
        <translation>unbekannte Art „%1“</translation>
    </message>
    <message>
        <source>message %1 has an unknown role or status</source>
        <translation>Nachricht %1 hat eine unbekannte Rolle oder einen unbekannten Status</translation>
    </message>
    <message>
        <source>the debate has an unknown status</source>
        <translation>die Debatte hat einen unbekannten Status</translation>
    </message>
    <message>
        <source>turn %1 has an unknown kind or status</source>
        <translation>Beitrag %1 hat eine unbekannte Art oder einen unbekannten Status</translation>
    </message>
    <message>
        <source>An agent named &quot;%1&quot; already exists. Choose another name.</source>
        <translation>Ein Agent namens „%1“ existiert bereits. Einen anderen Namen wählen.</translation>
    </message>
    <message>
        <source>An agent needs a name.</source>
        <translation>Ein Agent braucht einen Namen.</translation>
    </message>
    <message>
        <source>Row %1 of table %2 has %3 “%4”, which this version of Roundtable does not know. A newer version may have written it: update Roundtable, or correct that row.</source>
        <translation>Zeile %1 der Tabelle %2 hat in %3 den Wert „%4“, den diese Roundtable-Version nicht kennt. Möglicherweise wurde er von einer neueren Version geschrieben: Roundtable aktualisieren oder die Zeile korrigieren.</translation>
    </message>
    <message>
        <source>There is no debate with id %1. Run &apos;roundtable history list&apos; to see the ids.</source>
        <translation>Es gibt keine Debatte mit der ID %1. Mit „roundtable history list“ die IDs anzeigen.</translation>
    </message>
    <message>
        <source>There is no debate turn with id %1.</source>
        <translation>Es gibt keinen Debattenbeitrag mit der ID %1.</translation>
    </message>
    <message>
        <source>There is no message with id %1.</source>
        <translation>Es gibt keine Nachricht mit der ID %1.</translation>
    </message>
    <message>
        <source>This is not a Roundtable export that can be imported: %1</source>
        <translation>Dies ist kein importierbarer Roundtable-Export: %1</translation>
    </message>
</context>
<context>
    <name>rt::storage::Storage</name>
    <message>
        <source>The database is already open.</source>
        <translation>Die Datenbank ist bereits geöffnet.</translation>
    </message>
    <message>
        <source>The database is not open. Call Storage::open() first (a bug in Roundtable).</source>
        <translation>Die Datenbank ist nicht geöffnet. Zuerst Storage::open() aufrufen (ein Fehler in Roundtable).</translation>
    </message>
</context>
<context>
    <name>rt::storage::StorageWorker</name>
    <message>
        <source>The database is not open yet.</source>
        <translation>Die Datenbank ist noch nicht geöffnet.</translation>
    </message>
    <message>
        <source>The database server at %1 is unreachable; Roundtable is reconnecting. Try again in a moment.</source>
        <translation>Der Datenbankserver unter %1 ist nicht erreichbar; Roundtable verbindet sich neu. Gleich erneut versuchen.</translation>
    </message>
    <message>
        <source>Too many changes are waiting for the database server at %1; this one was not saved. Check the connection.</source>
        <translation>Zu viele Änderungen warten auf den Datenbankserver unter %1; diese wurde nicht gespeichert. Die Verbindung prüfen.</translation>
    </message>
    <message>
        <source>The database connection failed.</source>
        <translation>Die Datenbankverbindung ist fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Lost the connection to the database server at %1. Unsaved changes are kept and Roundtable is reconnecting.</source>
        <translation>Die Verbindung zum Datenbankserver unter %1 wurde unterbrochen. Ungespeicherte Änderungen bleiben erhalten, und Roundtable verbindet sich neu.</translation>
    </message>
    <message>
        <source>Roundtable closed while the database server at %1 was unreachable; this change was not saved.</source>
        <translation>Roundtable wurde geschlossen, während der Datenbankserver unter %1 nicht erreichbar war; diese Änderung wurde nicht gespeichert.</translation>
    </message>
</context>
<context>
    <name>rt::tasks</name>
    <message>
        <source>The task failed.</source>
        <translation>Die Aufgabe ist fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Pull %1</source>
        <translation>%1 herunterladen</translation>
    </message>
    <message>
        <source>The model catalog is gone; try the pull again.</source>
        <translation>Der Modellkatalog ist nicht mehr verfügbar; den Download erneut versuchen.</translation>
    </message>
    <message>
        <source>There is no Ollama host named “%1”; check the hosts in the settings.</source>
        <translation>Es gibt keinen Ollama-Host namens „%1“; die Hosts in den Einstellungen prüfen.</translation>
    </message>
    <message>
        <source>The task “%1” has already finished.</source>
        <translation>Die Aufgabe „%1“ ist bereits abgeschlossen.</translation>
    </message>
    <message>
        <source>Roundtable was closed while this task was running.</source>
        <translation>Roundtable wurde geschlossen, während diese Aufgabe lief.</translation>
    </message>
    <message>
        <source>Roundtable was closed before this task started.</source>
        <translation>Roundtable wurde geschlossen, bevor diese Aufgabe begann.</translation>
    </message>
    <message>
        <source>Roundtable stopped unexpectedly while this task was running.</source>
        <translation>Roundtable wurde unerwartet beendet, während diese Aufgabe lief.</translation>
    </message>
    <message>
        <source>Roundtable stopped unexpectedly before this task started.</source>
        <translation>Roundtable wurde unerwartet beendet, bevor diese Aufgabe begann.</translation>
    </message>
    <message>
        <source>The task “%1” has nothing to run.</source>
        <translation>Die Aufgabe „%1“ hat nichts auszuführen.</translation>
    </message>
    <message>
        <source>The task “%1” has no kind.</source>
        <translation>Die Aufgabe „%1“ hat keine Art.</translation>
    </message>
    <message>
        <source>The task “%1” was dropped before it started.</source>
        <translation>Die Aufgabe „%1“ wurde verworfen, bevor sie begann.</translation>
    </message>
    <message>
        <source>There is no task %1.</source>
        <translation>Es gibt keine Aufgabe %1.</translation>
    </message>
    <message>
        <source>Dismissed after an interruption.</source>
        <translation>Nach einer Unterbrechung verworfen.</translation>
    </message>
    <message>
        <source>The task “%1” runs in another Roundtable process; pause it there.</source>
        <translation>Die Aufgabe „%1“ läuft in einem anderen Roundtable-Prozess; sie dort pausieren.</translation>
    </message>
    <message>
        <source>Only a running task can be paused.</source>
        <translation>Nur eine laufende Aufgabe kann pausiert werden.</translation>
    </message>
    <message>
        <source>The task “%1” cannot be paused; cancel it instead.</source>
        <translation>Die Aufgabe „%1“ kann nicht pausiert werden; sie stattdessen abbrechen.</translation>
    </message>
    <message>
        <source>The task “%1” is %2 in another Roundtable process (pid %3).</source>
        <translation>Die Aufgabe „%1“ hat in einem anderen Roundtable-Prozess (PID %3) den Status %2.</translation>
    </message>
    <message>
        <source>The task “%1” is %2 and cannot be resumed.</source>
        <translation>Die Aufgabe „%1“ hat den Status %2 und kann nicht fortgesetzt werden.</translation>
    </message>
    <message>
        <source>Tasks of kind “%1” cannot be resumed in this version; start them again.</source>
        <translation>Aufgaben der Art „%1“ können in dieser Version nicht fortgesetzt werden; sie neu starten.</translation>
    </message>
    <message>
        <source>The task “%1” cannot be resumed: what it needs is gone.</source>
        <translation>Die Aufgabe „%1“ kann nicht fortgesetzt werden: Was sie braucht, ist nicht mehr vorhanden.</translation>
    </message>
</context>
<context>
    <name>rt::ui::AgentEditor</name>
    <message>
        <source>Built-in</source>
        <translation>Integriert</translation>
    </message>
    <message>
        <source>Shipped with Roundtable: it can be edited, duplicated and reset to its default, but not deleted.</source>
        <translation>Wird mit Roundtable ausgeliefert: kann bearbeitet, dupliziert und auf den Standard zurückgesetzt, aber nicht gelöscht werden.</translation>
    </message>
    <message>
        <source>Try This Agent</source>
        <translation>Agent ausprobieren</translation>
    </message>
    <message>
        <source>Open a new chat with this agent&apos;s role prompt and model (changes are saved first)</source>
        <translation>Einen neuen Chat mit dem Rollen-Prompt und Modell dieses Agenten öffnen (Änderungen werden vorher gespeichert)</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Duplizieren</translation>
    </message>
    <message>
        <source>Make a copy to change freely (Ctrl+D)</source>
        <translation>Eine Kopie anlegen, die frei geändert werden kann (Strg+D)</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Save this agent to a JSON file that can be imported elsewhere</source>
        <translation>Diesen Agenten in einer JSON-Datei speichern, die anderswo importiert werden kann</translation>
    </message>
    <message>
        <source>Reset to Default</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>Restore this built-in agent as shipped; you can undo it for a few seconds</source>
        <translation>Diesen integrierten Agenten auf den Auslieferungszustand zurücksetzen; lässt sich einige Sekunden lang rückgängig machen</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Delete this agent; you can undo it for a few seconds</source>
        <translation>Diesen Agenten löschen; lässt sich einige Sekunden lang rückgängig machen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>A short, unique name</source>
        <translation>Ein kurzer, eindeutiger Name</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>One line: what this agent does at the table</source>
        <translation>Eine Zeile: was dieser Agent am Tisch tut</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Custom role</source>
        <translation>Eigene Rolle</translation>
    </message>
    <message>
        <source>The debate role this agent plays; a built-in agent keeps its own role</source>
        <translation>Die Rolle, die dieser Agent in der Debatte spielt; ein integrierter Agent behält seine eigene Rolle</translation>
    </message>
    <message>
        <source>Avatar</source>
        <translation>Avatar</translation>
    </message>
    <message>
        <source>Emoji</source>
        <translation>Emoji</translation>
    </message>
    <message>
        <source>An emoji drawn in the agent&apos;s circle; empty shows the first letter of the name</source>
        <translation>Ein Emoji im Kreis des Agenten; leer zeigt den ersten Buchstaben des Namens</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Farbe</translation>
    </message>
    <message>
        <source>Pick a colour</source>
        <translation>Farbe wählen</translation>
    </message>
    <message>
        <source>Vote weight</source>
        <translation>Stimmgewicht</translation>
    </message>
    <message>
        <source>How much this agent&apos;s stance counts in the consensus (1 = like everyone else, 0 = not at all)</source>
        <translation>Wie stark die Position dieses Agenten in den Konsens eingeht (1 = wie alle anderen, 0 = gar nicht)</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>The debate&apos;s default model</source>
        <translation>Standardmodell der Debatte</translation>
    </message>
    <message>
        <source>The model that voices this agent: pick an installed one or type any name (empty: the debate&apos;s default)</source>
        <translation>Das Modell, das diesem Agenten die Stimme gibt: ein installiertes wählen oder einen beliebigen Namen eingeben (leer: Standardmodell der Debatte)</translation>
    </message>
    <message>
        <source>Fallback models</source>
        <translation>Ersatzmodelle</translation>
    </message>
    <message>
        <source>Comma-separated, e.g. qwen3:0.6b, gemma3:1b</source>
        <translation>Durch Kommas getrennt, z. B. qwen3:0.6b, gemma3:1b</translation>
    </message>
    <message>
        <source>Tried in order when the model is missing or failing</source>
        <translation>Werden der Reihe nach versucht, wenn das Modell fehlt oder versagt</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>0 = focused and repeatable, 2 = very varied; Default leaves it to the model</source>
        <translation>0 = fokussiert und reproduzierbar, 2 = sehr abwechslungsreich; Standard überlässt es dem Modell</translation>
    </message>
    <message>
        <source>Top P</source>
        <translation>Top P</translation>
    </message>
    <message>
        <source>Nucleus sampling (top_p), 0 to 1; Default leaves it to the model</source>
        <translation>Nucleus Sampling (top_p), 0 bis 1; Standard überlässt es dem Modell</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>Kontextlänge</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> Token</translation>
    </message>
    <message>
        <source>num_ctx: how much text the model keeps in view; Default is the server&apos;s (often 4,096)</source>
        <translation>num_ctx: wie viel Text das Modell im Blick behält; Standard ist der Wert des Servers (oft 4.096)</translation>
    </message>
    <message>
        <source>Maximum tokens per reply</source>
        <translation>Maximale Token pro Antwort</translation>
    </message>
    <message>
        <source>num_predict: the longest reply in tokens; -1 = no limit, -2 = fill the context</source>
        <translation>num_predict: die längste Antwort in Token; -1 = keine Grenze, -2 = Kontext füllen</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>Zufällig</translation>
    </message>
    <message>
        <source>A fixed seed makes replies repeatable; Random is the default</source>
        <translation>Ein fester Seed macht Antworten reproduzierbar; Zufällig ist der Standard</translation>
    </message>
    <message>
        <source>Role prompt</source>
        <translation>Rollen-Prompt</translation>
    </message>
    <message>
        <source>How this agent thinks and speaks: its role, what it looks for, how it ends a turn.</source>
        <translation>Wie dieser Agent denkt und spricht: seine Rolle, worauf er achtet, wie er einen Beitrag beendet.</translation>
    </message>
    <message>
        <source>Monospace</source>
        <translation>Feste Breite</translation>
    </message>
    <message>
        <source>Show the role prompt in a fixed-width font</source>
        <translation>Den Rollen-Prompt in einer Schrift mit fester Zeichenbreite anzeigen</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>&amp;Description</source>
        <translation>&amp;Beschreibung</translation>
    </message>
    <message>
        <source>&amp;Role</source>
        <translation>&amp;Rolle</translation>
    </message>
    <message>
        <source>&amp;Avatar</source>
        <translation>&amp;Avatar</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Modell</translation>
    </message>
    <message>
        <source>&amp;Fallbacks</source>
        <translation>&amp;Ersatzmodelle</translation>
    </message>
    <message>
        <source>&amp;Temperature</source>
        <translation>&amp;Temperatur</translation>
    </message>
    <message>
        <source>Top &amp;P</source>
        <translation>Top &amp;P</translation>
    </message>
    <message>
        <source>&amp;Context</source>
        <translation>&amp;Kontext</translation>
    </message>
    <message>
        <source>Ma&amp;x tokens</source>
        <translation>Ma&amp;x. Token</translation>
    </message>
    <message>
        <source>S&amp;eed</source>
        <translation>&amp;Seed</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>Optionen</translation>
    </message>
    <message>
        <source>Identity</source>
        <translation>Identität</translation>
    </message>
    <message>
        <source>Role &amp;prompt</source>
        <translation>Rollen-Pr&amp;ompt</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Put the fields back as saved</source>
        <translation>Die Felder auf den gespeicherten Stand zurücksetzen</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Save the changes (Ctrl+S); leaving the agent saves them too</source>
        <translation>Änderungen speichern (Strg+S); beim Verlassen des Agenten werden sie ebenfalls gespeichert</translation>
    </message>
    <message>
        <source>Other Colour…</source>
        <translation>Andere Farbe…</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(kein Name)</translation>
    </message>
    <message>
        <source>About %1 tokens · %2 characters</source>
        <translation>Etwa %1 Token · %2 Zeichen</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>All changes saved.</source>
        <translation>Alle Änderungen gespeichert.</translation>
    </message>
    <message>
        <source>Fix what is marked above to save, or Revert.</source>
        <translation>Zum Speichern das oben Markierte korrigieren oder „Verwerfen“ wählen.</translation>
    </message>
    <message>
        <source>Unsaved changes. Save with Ctrl+S; leaving this agent saves them too.</source>
        <translation>Ungespeicherte Änderungen. Mit Strg+S speichern; beim Verlassen dieses Agenten werden sie ebenfalls gespeichert.</translation>
    </message>
    <message>
        <source>Agent Colour</source>
        <translation>Agentenfarbe</translation>
    </message>
</context>
<context>
    <name>rt::ui::AgentListModel</name>
    <message>
        <source>Custom role</source>
        <translation>Eigene Rolle</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <source>%1, built-in, %2</source>
        <translation>%1, integriert, %2</translation>
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
        <translation>Standardmodell</translation>
    </message>
    <message>
        <source>BUILT-IN</source>
        <translation>INTEGRIERT</translation>
    </message>
    <message>
        <source>Moderator</source>
        <translation>Moderator</translation>
    </message>
    <message>
        <source>Proponent</source>
        <translation>Befürworter</translation>
    </message>
    <message>
        <source>Opponent</source>
        <translation>Gegner</translation>
    </message>
    <message>
        <source>Skeptic</source>
        <translation>Skeptiker</translation>
    </message>
    <message>
        <source>Expert</source>
        <translation>Experte</translation>
    </message>
    <message>
        <source>Ethicist</source>
        <translation>Ethiker</translation>
    </message>
    <message>
        <source>Pragmatist</source>
        <translation>Pragmatiker</translation>
    </message>
    <message>
        <source>Synthesizer</source>
        <translation>Synthese-Autor</translation>
    </message>
    <message>
        <source>Judge</source>
        <translation>Richter</translation>
    </message>
</context>
<context>
    <name>rt::ui::AgentsPage</name>
    <message>
        <source>Agents</source>
        <translation>Agenten</translation>
    </message>
    <message>
        <source>Search agents</source>
        <translation>Agenten durchsuchen</translation>
    </message>
    <message>
        <source>Search name, role, model… (Ctrl+F)</source>
        <translation>Name, Rolle, Modell suchen… (Strg+F)</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>New Agent</source>
        <translation>Neuer Agent</translation>
    </message>
    <message>
        <source>Create an agent with a role prompt of your own</source>
        <translation>Einen Agenten mit eigenem Rollen-Prompt erstellen</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importieren…</translation>
    </message>
    <message>
        <source>Add agents from a JSON file (all or nothing)</source>
        <translation>Agenten aus einer JSON-Datei hinzufügen (alle oder keinen)</translation>
    </message>
    <message>
        <source>Export All…</source>
        <translation>Alle exportieren…</translation>
    </message>
    <message>
        <source>Save every agent to a JSON file</source>
        <translation>Alle Agenten in einer JSON-Datei speichern</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Loading the agents…</source>
        <translation>Agenten werden geladen…</translation>
    </message>
    <message>
        <source>Save Agent</source>
        <translation>Agent speichern</translation>
    </message>
    <message>
        <source>Search Agents</source>
        <translation>Agenten suchen</translation>
    </message>
    <message>
        <source>Duplicate Agent</source>
        <translation>Agent duplizieren</translation>
    </message>
    <message>
        <source>Delete Agent</source>
        <translation>Agent löschen</translation>
    </message>
    <message>
        <source>“%1” has changes that cannot be saved yet: fix what is marked, or press Revert.</source>
        <translation>„%1“ hat Änderungen, die noch nicht gespeichert werden können: das Markierte korrigieren oder „Verwerfen“ wählen.</translation>
    </message>
    <message>
        <source>Changes to “%1” were not saved: %2</source>
        <translation>Änderungen an „%1“ wurden nicht gespeichert: %2</translation>
    </message>
    <message>
        <source>“%1” deleted.</source>
        <translation>„%1“ gelöscht.</translation>
    </message>
    <message>
        <source>“%1” reset to its default.</source>
        <translation>„%1“ auf den Standard zurückgesetzt.</translation>
    </message>
    <message>
        <source>Bring “%1” back</source>
        <translation>„%1“ wiederherstellen</translation>
    </message>
    <message>
        <source>Put “%1” back as it was before the reset</source>
        <translation>„%1“ auf den Stand vor dem Zurücksetzen bringen</translation>
    </message>
    <message>
        <source>“%1” could not be put back: %2</source>
        <translation>„%1“ konnte nicht wiederhergestellt werden: %2</translation>
    </message>
    <message>
        <source>“%1” was not deleted: %2</source>
        <translation>„%1“ wurde nicht gelöscht: %2</translation>
    </message>
    <message>
        <source>Import Agents</source>
        <translation>Agenten importieren</translation>
    </message>
    <message>
        <source>Agent files (*.json);;All files (*)</source>
        <translation>Agentendateien (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Cannot read %1: %2.</source>
        <translation>%1 kann nicht gelesen werden: %2.</translation>
    </message>
    <message>
        <source>%1 is too large to be an agent file (%2 MB).</source>
        <translation>%1 ist zu groß für eine Agentendatei (%2 MB).</translation>
    </message>
    <message>
        <source>Import with New Names</source>
        <translation>Mit neuen Namen importieren</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n agent(s): %1.</source>
        <translation>
            <numerusform>%n Agent importiert: %1.</numerusform>
            <numerusform>%n Agenten importiert: %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <source>Export Agents</source>
        <translation>Agenten exportieren</translation>
    </message>
    <message>
        <source>Agent files (*.json)</source>
        <translation>Agentendateien (*.json)</translation>
    </message>
    <message>
        <source>Export Agent</source>
        <translation>Agent exportieren</translation>
    </message>
    <message>
        <source>Cannot write %1: %2.</source>
        <translation>%1 kann nicht geschrieben werden: %2.</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n agent(s) to %1.</source>
        <translation>
            <numerusform>%n Agent nach %1 exportiert.</numerusform>
            <numerusform>%n Agenten nach %1 exportiert.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n agent(s)</source>
        <translation>
            <numerusform>%n Agent</numerusform>
            <numerusform>%n Agenten</numerusform>
        </translation>
    </message>
    <message>
        <source>No database: agents are not available.</source>
        <translation>Keine Datenbank: Agenten sind nicht verfügbar.</translation>
    </message>
    <message>
        <source>No agent matches “%1”.</source>
        <translation>Kein Agent passt zu „%1“.</translation>
    </message>
    <message>
        <source>No agents yet. Create one with New Agent or import a file.</source>
        <translation>Noch keine Agenten. Mit „Neuer Agent“ einen erstellen oder eine Datei importieren.</translation>
    </message>
    <message>
        <source>Select an agent to see and edit it.</source>
        <translation>Einen Agenten auswählen, um ihn anzusehen und zu bearbeiten.</translation>
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
        <translation>schreibt…</translation>
    </message>
    <message>
        <source>%1 tokens/s</source>
        <translation>%1 Token/s</translation>
    </message>
    <message>
        <source>first token %1</source>
        <translation>erstes Token nach %1</translation>
    </message>
    <message>
        <source>1 token</source>
        <translation>1 Token</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 Token</translation>
    </message>
    <message>
        <source>Waiting for %1…</source>
        <translation>Warten auf %1…</translation>
    </message>
    <message>
        <source>Loading model… %1 is being loaded into memory; the first reply can take a while.</source>
        <translation>Modell wird geladen… %1 wird in den Speicher geladen; die erste Antwort kann eine Weile dauern.</translation>
    </message>
    <message>
        <source>Ollama is busy. Trying again (attempt %1)…</source>
        <translation>Ollama ist ausgelastet. Neuer Versuch (Versuch %1)…</translation>
    </message>
    <message>
        <source>Stopped. The partial reply is kept.</source>
        <translation>Gestoppt. Die unvollständige Antwort bleibt erhalten.</translation>
    </message>
    <message>
        <source>The reply was cut off: %1</source>
        <translation>Die Antwort wurde abgeschnitten: %1</translation>
    </message>
</context>
<context>
    <name>rt::ui::ChatPage</name>
    <message>
        <source>Roundtable closed before the reply was finished.</source>
        <translation>Roundtable wurde geschlossen, bevor die Antwort fertig war.</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>The model that answers. Models come from Ollama&apos;s /api/tags.</source>
        <translation>Das Modell, das antwortet. Die Modelle stammen aus /api/tags von Ollama.</translation>
    </message>
    <message>
        <source>Reload the list of models</source>
        <translation>Modellliste neu laden</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Teilen</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Send the message (Enter)</source>
        <translation>Nachricht senden (Eingabe)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Stop the reply; the text so far is kept (Esc)</source>
        <translation>Antwort stoppen; der bisherige Text bleibt erhalten (Esc)</translation>
    </message>
    <message>
        <source>Enter sends · Shift+Enter adds a line · Esc stops the reply</source>
        <translation>Eingabe sendet · Umschalt+Eingabe fügt eine Zeile ein · Esc stoppt die Antwort</translation>
    </message>
    <message>
        <source>Next Conversation</source>
        <translation>Nächste Unterhaltung</translation>
    </message>
    <message>
        <source>Previous Conversation</source>
        <translation>Vorherige Unterhaltung</translation>
    </message>
    <message>
        <source>Loading models…</source>
        <translation>Modelle werden geladen…</translation>
    </message>
    <message>
        <source>%1  (%2)</source>
        <translation>%1  (%2)</translation>
    </message>
    <message>
        <source>Family: %1</source>
        <translation>Familie: %1</translation>
    </message>
    <message>
        <source>Quantization: %1</source>
        <translation>Quantisierung: %1</translation>
    </message>
    <message>
        <source>Size: %1</source>
        <translation>Größe: %1</translation>
    </message>
    <message>
        <source>Models unavailable</source>
        <translation>Modelle nicht verfügbar</translation>
    </message>
    <message>
        <source>No models installed</source>
        <translation>Keine Modelle installiert</translation>
    </message>
    <message>
        <source>No models are installed. &lt;a href=&quot;pull:&quot;&gt;Pull one&lt;/a&gt;</source>
        <translation>Es sind keine Modelle installiert. &lt;a href=&quot;pull:&quot;&gt;Eines herunterladen&lt;/a&gt;</translation>
    </message>
    <message>
        <source>The model list did not load</source>
        <translation>Die Modellliste wurde nicht geladen</translation>
    </message>
    <message>
        <source>%1
Press the reload button next to the model list to try again.</source>
        <translation>%1
Zum erneuten Versuch die Schaltfläche zum Neuladen neben der Modellliste drücken.</translation>
    </message>
    <message>
        <source>Download one in a terminal, for example:
ollama pull llama3.2
then press the reload button next to the model list.</source>
        <translation>Eines im Terminal herunterladen, zum Beispiel:
ollama pull llama3.2
dann die Schaltfläche zum Neuladen neben der Modellliste drücken.</translation>
    </message>
    <message>
        <source>Chat with %1</source>
        <translation>Chat mit %1</translation>
    </message>
    <message>
        <source>%1 answers in its role, through %2. Ask it something to see how it thinks.</source>
        <translation>%1 antwortet in seiner Rolle über %2. Stellen Sie eine Frage, um zu sehen, wie der Agent denkt.</translation>
    </message>
    <message>
        <source>Replies stream in as the model writes them. Your earlier messages go with each question, so you can follow up.</source>
        <translation>Antworten erscheinen laufend, während das Modell sie schreibt. Ihre früheren Nachrichten werden mit jeder Frage mitgeschickt, sodass Sie nachhaken können.</translation>
    </message>
    <message>
        <source>Loading the list of models…</source>
        <translation>Liste der Modelle wird geladen…</translation>
    </message>
    <message>
        <source>Message %1…</source>
        <translation>Nachricht an %1…</translation>
    </message>
    <message>
        <source>Pick a model to start</source>
        <translation>Zum Starten ein Modell wählen</translation>
    </message>
    <message>
        <source>● Shared</source>
        <translation>● Geteilt</translation>
    </message>
    <message>
        <source>Send a message first: a conversation is shared once it is saved.</source>
        <translation>Zuerst eine Nachricht senden: Eine Unterhaltung wird geteilt, sobald sie gespeichert ist.</translation>
    </message>
    <message>
        <source>Viewers with the link see this conversation live. Click to stop sharing.</source>
        <translation>Zuschauer mit dem Link sehen diese Unterhaltung live. Klicken, um das Teilen zu beenden.</translation>
    </message>
    <message>
        <source>Let viewers with the viewer link (Settings → Local Server) watch this conversation, read-only.</source>
        <translation>Zuschauern mit dem Zuschauer-Link (Einstellungen → Lokaler Server) erlauben, diese Unterhaltung schreibgeschützt mitzuverfolgen.</translation>
    </message>
    <message>
        <source>%1 is not installed on any host. &lt;a href=&quot;pull:%2&quot;&gt;Pull it&lt;/a&gt;</source>
        <translation>%1 ist auf keinem Host installiert. &lt;a href=&quot;pull:%2&quot;&gt;Herunterladen&lt;/a&gt;</translation>
    </message>
    <message>
        <source>The conversation could not be opened: %1</source>
        <translation>Die Unterhaltung konnte nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <source>Loading the conversation…</source>
        <translation>Unterhaltung wird geladen…</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Neuer Chat</translation>
    </message>
    <message>
        <source>This conversation is not being saved: %1 The chat goes on; try a new chat later.</source>
        <translation>Diese Unterhaltung wird nicht gespeichert: %1 Der Chat läuft weiter; später einen neuen Chat versuchen.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Your message was not saved: %1</source>
        <translation>Ihre Nachricht wurde nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>The reply is not being saved: %1</source>
        <translation>Die Antwort wird nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>The reply was not saved: %1</source>
        <translation>Die Antwort wurde nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Gestoppt.</translation>
    </message>
</context>
<context>
    <name>rt::ui::ChatView</name>
    <message>
        <source>Copy Message</source>
        <translation>Nachricht kopieren</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
</context>
<context>
    <name>rt::ui::ConsensusChart</name>
    <message>
        <source>Consensus and confidence per round</source>
        <translation>Konsens und Zuversicht pro Runde</translation>
    </message>
    <message>
        <source>round</source>
        <translation>Runde</translation>
    </message>
    <message>
        <source>threshold</source>
        <translation>Schwelle</translation>
    </message>
    <message>
        <source>consensus</source>
        <translation>Konsens</translation>
    </message>
</context>
<context>
    <name>rt::ui::ConversationList</name>
    <message>
        <source>Conversation title</source>
        <translation>Titel der Unterhaltung</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Unterhaltungen</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <source>Start a new conversation (Ctrl+N)</source>
        <translation>Neue Unterhaltung beginnen (Strg+N)</translation>
    </message>
    <message>
        <source>Enter opens, F2 renames, Delete deletes</source>
        <translation>Eingabe öffnet, F2 benennt um, Entf löscht</translation>
    </message>
    <message>
        <source>No conversations yet.
What you write in the chat is kept here.</source>
        <translation>Noch keine Unterhaltungen.
Was Sie im Chat schreiben, wird hier aufbewahrt.</translation>
    </message>
    <message>
        <source>Conversation deleted.</source>
        <translation>Unterhaltung gelöscht.</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>Löschen rückgängig machen</translation>
    </message>
    <message>
        <source>Bring the deleted conversation back</source>
        <translation>Die gelöschte Unterhaltung wiederherstellen</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <source>Rename the selected conversation (F2)</source>
        <translation>Ausgewählte Unterhaltung umbenennen (F2)</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Delete the selected conversation (Delete); you can undo it for a few seconds</source>
        <translation>Ausgewählte Unterhaltung löschen (Entf); lässt sich einige Sekunden lang rückgängig machen</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>The conversations could not be loaded: %1</source>
        <translation>Die Unterhaltungen konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>The new title was not saved: %1</source>
        <translation>Der neue Titel wurde nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>The conversation could not be deleted: %1</source>
        <translation>Die Unterhaltung konnte nicht gelöscht werden: %1</translation>
    </message>
</context>
<context>
    <name>rt::ui::ConversationListModel</name>
    <message>
        <source>Just now</source>
        <translation>Gerade eben</translation>
    </message>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>vor %n min</numerusform>
            <numerusform>vor %n min</numerusform>
        </translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Gestern</translation>
    </message>
    <message>
        <source>%1
Last active %2</source>
        <translation>%1
Zuletzt aktiv: %2</translation>
    </message>
    <message>
        <source>%1
%2, last active %3</source>
        <translation>%1
%2, zuletzt aktiv: %3</translation>
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
        <translation>● läuft</translation>
    </message>
    <message>
        <source>running elsewhere</source>
        <translation>läuft anderswo</translation>
    </message>
    <message>
        <source>❚❚ paused</source>
        <translation>❚❚ pausiert</translation>
    </message>
    <message>
        <source>✓ finished</source>
        <translation>✓ beendet</translation>
    </message>
    <message>
        <source>✕ failed</source>
        <translation>✕ fehlgeschlagen</translation>
    </message>
    <message>
        <source>◌ interrupted</source>
        <translation>◌ unterbrochen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Frage</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Agenten</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Consensus</source>
        <translation>Konsens</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
</context>
<context>
    <name>rt::ui::DebateText</name>
    <message>
        <source>Simultaneous</source>
        <translation>Gleichzeitig</translation>
    </message>
    <message>
        <source>Round robin</source>
        <translation>Reihum</translation>
    </message>
    <message>
        <source>Adversarial</source>
        <translation>Kontrovers</translation>
    </message>
    <message>
        <source>Council</source>
        <translation>Rat</translation>
    </message>
    <message>
        <source>Vote</source>
        <translation>Abstimmung</translation>
    </message>
    <message>
        <source>Everyone answers alone in round 1; in each later round everyone reads all answers of the round before and may revise.</source>
        <translation>Alle antworten in Runde 1 für sich; in jeder weiteren Runde lesen alle sämtliche Antworten der Vorrunde und können ihre Antwort überarbeiten.</translation>
    </message>
    <message>
        <source>Agents speak one after another and each reads everything said so far; the first speaker rotates every round.</source>
        <translation>Die Agenten sprechen nacheinander, und jeder liest alles bisher Gesagte; wer zuerst spricht, wechselt mit jeder Runde.</translation>
    </message>
    <message>
        <source>A proponent and an opponent argue; after each round a judge decides whether the question is settled and finally gives a verdict.</source>
        <translation>Ein Befürworter und ein Gegner argumentieren; nach jeder Runde entscheidet ein Richter, ob die Frage geklärt ist, und fällt am Ende ein Urteil.</translation>
    </message>
    <message>
        <source>Every member answers alone, then ranks all answers under anonymous labels; a chair writes the final answer from them.</source>
        <translation>Jedes Mitglied antwortet für sich und ordnet dann alle Antworten unter anonymen Bezeichnungen in eine Rangfolge; ein Vorsitz verfasst daraus die endgültige Antwort.</translation>
    </message>
    <message>
        <source>No discussion: independent answers and a confidence-weighted majority, the honest baseline to compare a debate with.</source>
        <translation>Keine Diskussion: unabhängige Antworten und eine nach Zuversicht gewichtete Mehrheit – die ehrliche Vergleichsbasis für eine Debatte.</translation>
    </message>
    <message>
        <source>answers</source>
        <translation>Antworten</translation>
    </message>
    <message>
        <source>revision</source>
        <translation>Überarbeitung</translation>
    </message>
    <message>
        <source>ranking</source>
        <translation>Rangfolge</translation>
    </message>
    <message>
        <source>arguments</source>
        <translation>Argumente</translation>
    </message>
    <message>
        <source>samples</source>
        <translation>Stichproben</translation>
    </message>
    <message>
        <source>debater</source>
        <translation>Diskutant</translation>
    </message>
    <message>
        <source>proponent</source>
        <translation>Befürworter</translation>
    </message>
    <message>
        <source>opponent</source>
        <translation>Gegner</translation>
    </message>
    <message>
        <source>judge</source>
        <translation>Richter</translation>
    </message>
    <message>
        <source>chair</source>
        <translation>Vorsitz</translation>
    </message>
    <message>
        <source>synthesiser</source>
        <translation>Synthese-Autor</translation>
    </message>
    <message>
        <source>turn</source>
        <translation>Beitrag</translation>
    </message>
    <message>
        <source>interjection</source>
        <translation>Einwurf</translation>
    </message>
    <message>
        <source>synthesis</source>
        <translation>Synthese</translation>
    </message>
    <message>
        <source>verdict</source>
        <translation>Urteil</translation>
    </message>
    <message>
        <source>repair</source>
        <translation>Korrektur</translation>
    </message>
    <message>
        <source>complete</source>
        <translation>vollständig</translation>
    </message>
    <message>
        <source>partial</source>
        <translation>unvollständig</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>unterbrochen</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>rt::ui::DebateView</name>
    <message numerus="yes">
        <source>%n model call(s)</source>
        <translation>
            <numerusform>%n Modellaufruf</numerusform>
            <numerusform>%n Modellaufrufe</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 tokens (%2 prompt, %3 generated)</source>
        <translation>%1 Token (%2 Prompt, %3 generiert)</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>← Debates</source>
        <translation>← Debatten</translation>
    </message>
    <message>
        <source>Back to the list of debates (Alt+Left)</source>
        <translation>Zurück zur Liste der Debatten (Alt+Links)</translation>
    </message>
    <message>
        <source>Rounds done</source>
        <translation>Erledigte Runden</translation>
    </message>
    <message>
        <source>Consensus</source>
        <translation>Konsens</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausieren</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Anhalten</translation>
    </message>
    <message>
        <source>Interject…</source>
        <translation>Einwerfen…</translation>
    </message>
    <message>
        <source>Interjection</source>
        <translation>Einwurf</translation>
    </message>
    <message>
        <source>A note for the agents; they read it in their next turn. Enter sends, Esc closes.</source>
        <translation>Eine Notiz für die Agenten; sie lesen sie in ihrem nächsten Beitrag. Eingabe sendet, Esc schließt.</translation>
    </message>
    <message>
        <source>Send to the table</source>
        <translation>An den Tisch senden</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>RESULT</source>
        <translation>ERGEBNIS</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Save the debate as Markdown or JSON (Ctrl+E)</source>
        <translation>Debatte als Markdown oder JSON speichern (Strg+E)</translation>
    </message>
    <message>
        <source>Copy Answer</source>
        <translation>Antwort kopieren</translation>
    </message>
    <message>
        <source>Run Again</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Start a new debate with the same question and seats</source>
        <translation>Eine neue Debatte mit derselben Frage und denselben Plätzen starten</translation>
    </message>
    <message>
        <source>Transcript</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>CONSENSUS PER ROUND</source>
        <translation>KONSENS PRO RUNDE</translation>
    </message>
    <message>
        <source>SEATS: TOKENS GENERATED AND SECONDS PER TURN</source>
        <translation>PLÄTZE: ERZEUGTE TOKEN UND SEKUNDEN PRO BEITRAG</translation>
    </message>
    <message>
        <source>TRANSCRIPT</source>
        <translation>PROTOKOLL</translation>
    </message>
    <message>
        <source>Round %1</source>
        <translation>Runde %1</translation>
    </message>
    <message>
        <source>— Round %1 —</source>
        <translation>— Runde %1 —</translation>
    </message>
    <message>
        <source>answer: %1</source>
        <translation>Antwort: %1</translation>
    </message>
    <message>
        <source>%1% sure</source>
        <translation>%1 % sicher</translation>
    </message>
    <message numerus="yes">
        <source>%1 · up to %n round(s) · consensus at %2% · %3</source>
        <translation>
            <numerusform>%1 · bis zu %n Runde · Konsens ab %2 % · %3</numerusform>
            <numerusform>%1 · bis zu %n Runden · Konsens ab %2 % · %3</numerusform>
        </translation>
    </message>
    <message>
        <source>starting…</source>
        <translation>startet…</translation>
    </message>
    <message>
        <source>● running</source>
        <translation>● läuft</translation>
    </message>
    <message>
        <source>❚❚ paused</source>
        <translation>❚❚ pausiert</translation>
    </message>
    <message>
        <source>✓ finished</source>
        <translation>✓ beendet</translation>
    </message>
    <message>
        <source>✕ failed</source>
        <translation>✕ fehlgeschlagen</translation>
    </message>
    <message>
        <source>◌ interrupted</source>
        <translation>◌ unterbrochen</translation>
    </message>
    <message>
        <source>Round %1 of %2</source>
        <translation>Runde %1 von %2</translation>
    </message>
    <message>
        <source>Round %1 of %2 · %3</source>
        <translation>Runde %1 von %2 · %3</translation>
    </message>
    <message numerus="yes">
        <source>%n round(s) played</source>
        <translation>
            <numerusform>%n Runde gespielt</numerusform>
            <numerusform>%n Runden gespielt</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 rounds done</source>
        <translation>%1 von %2 Runden erledigt</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>Nicht gestartet</translation>
    </message>
    <message>
        <source>consensus %1% · needs %2%</source>
        <translation>Konsens %1 % · benötigt %2 %</translation>
    </message>
    <message>
        <source>consensus: after the first round</source>
        <translation>Konsens: nach der ersten Runde</translation>
    </message>
    <message>
        <source>Paused: %1</source>
        <translation>Pausiert: %1</translation>
    </message>
    <message>
        <source>Paused. The agents wait; nothing is lost.</source>
        <translation>Pausiert. Die Agenten warten; nichts geht verloren.</translation>
    </message>
    <message>
        <source>This debate was interrupted. Resume continues from the last turn that was saved; nothing said so far is lost.</source>
        <translation>Diese Debatte wurde unterbrochen. „Fortsetzen“ macht beim zuletzt gespeicherten Beitrag weiter; nichts bisher Gesagtes geht verloren.</translation>
    </message>
    <message>
        <source>The debate failed: %1</source>
        <translation>Die Debatte ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>The debate failed.</source>
        <translation>Die Debatte ist fehlgeschlagen.</translation>
    </message>
    <message>
        <source>The debate is not running.</source>
        <translation>Die Debatte läuft nicht.</translation>
    </message>
    <message>
        <source>Pause after the turn in progress (Ctrl+P)</source>
        <translation>Nach dem laufenden Beitrag pausieren (Strg+P)</translation>
    </message>
    <message>
        <source>Continue the debate (Ctrl+P)</source>
        <translation>Debatte fortsetzen (Strg+P)</translation>
    </message>
    <message>
        <source>End the debate now; the turn in progress is kept as partial (Ctrl+.)</source>
        <translation>Debatte jetzt beenden; der laufende Beitrag bleibt unvollständig erhalten (Strg+.)</translation>
    </message>
    <message>
        <source>Add a note the agents read in their next turn (Ctrl+I)</source>
        <translation>Eine Notiz hinzufügen, die die Agenten in ihrem nächsten Beitrag lesen (Strg+I)</translation>
    </message>
    <message>
        <source>The debate is still running.</source>
        <translation>Die Debatte läuft noch.</translation>
    </message>
    <message>
        <source>No answer</source>
        <translation>Keine Antwort</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;color:%1&apos;&gt;Consensus %2%&lt;/b&gt; (threshold %3%) — %4</source>
        <translation>&lt;b style=&apos;color:%1&apos;&gt;Konsens %2 %&lt;/b&gt; (Schwelle %3 %) — %4</translation>
    </message>
    <message>
        <source>Mean confidence %1%</source>
        <translation>Mittlere Zuversicht %1 %</translation>
    </message>
    <message>
        <source>The two leading answers tied.</source>
        <translation>Die beiden führenden Antworten liegen gleichauf.</translation>
    </message>
    <message>
        <source>Dissent: %1 answered %2</source>
        <translation>Abweichende Meinung: %1 antwortete %2</translation>
    </message>
    <message>
        <source> (%1% sure)</source>
        <translation> (%1 % sicher)</translation>
    </message>
    <message>
        <source>Verdict: %1</source>
        <translation>Urteil: %1</translation>
    </message>
    <message>
        <source>Ranking (Borda points): %1</source>
        <translation>Rangfolge (Borda-Punkte): %1</translation>
    </message>
    <message>
        <source>*Synthesis by %1:*</source>
        <translation>*Synthese von %1:*</translation>
    </message>
    <message>
        <source>Pausing…</source>
        <translation>Wird pausiert…</translation>
    </message>
    <message>
        <source>The debate pauses when the turn in progress has finished.</source>
        <translation>Die Debatte pausiert, sobald der laufende Beitrag beendet ist.</translation>
    </message>
</context>
<context>
    <name>rt::ui::DebatesPage</name>
    <message>
        <source>A car drives up a hill at 1 m/s and comes back down the same road at 3 m/s. What is its average speed for the whole trip, in m/s? Answer with a single number.</source>
        <translation>Ein Auto fährt mit 1 m/s einen Hügel hinauf und auf derselben Straße mit 3 m/s wieder hinunter. Wie hoch ist seine Durchschnittsgeschwindigkeit für die ganze Fahrt, in m/s? Antwort als einzelne Zahl.</translation>
    </message>
    <message>
        <source>Debates</source>
        <translation>Debatten</translation>
    </message>
    <message>
        <source>Search debates by question</source>
        <translation>Debatten nach Frage durchsuchen</translation>
    </message>
    <message>
        <source>Search questions…</source>
        <translation>Fragen durchsuchen…</translation>
    </message>
    <message>
        <source>Show debates with status</source>
        <translation>Debatten mit Status anzeigen</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>New Debate</source>
        <translation>Neue Debatte</translation>
    </message>
    <message>
        <source>Seat agents and ask them a question (Ctrl+Shift+N)</source>
        <translation>Agenten an den Tisch setzen und ihnen eine Frage stellen (Strg+Umschalt+N)</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Not Now</source>
        <translation>Nicht jetzt</translation>
    </message>
    <message>
        <source>No debates yet</source>
        <translation>Noch keine Debatten</translation>
    </message>
    <message>
        <source>Seat a few agents at the table, ask a question, and watch them argue it out round by round until they agree (or say why they do not).</source>
        <translation>Setzen Sie ein paar Agenten an den Tisch, stellen Sie eine Frage und sehen Sie zu, wie sie Runde für Runde darüber streiten, bis sie sich einig sind (oder sagen, warum nicht).</translation>
    </message>
    <message>
        <source>Start a Debate</source>
        <translation>Debatte starten</translation>
    </message>
    <message>
        <source>Run a Sample Debate</source>
        <translation>Beispieldebatte starten</translation>
    </message>
    <message>
        <source>Three simulated agents debate a tricky speed question</source>
        <translation>Drei simulierte Agenten debattieren eine knifflige Frage zur Geschwindigkeit</translation>
    </message>
    <message>
        <source>Debate %1 could not be opened: %2</source>
        <translation>Debatte %1 konnte nicht geöffnet werden: %2</translation>
    </message>
    <message numerus="yes">
        <source>%n debate(s) stopped before the end (the app or Ollama went away). Resume continues from the last saved turn; nothing said so far is lost.</source>
        <translation>
            <numerusform>%n Debatte wurde vor dem Ende angehalten (die App oder Ollama wurde beendet). „Fortsetzen“ macht beim zuletzt gespeicherten Beitrag weiter; nichts bisher Gesagtes geht verloren.</numerusform>
            <numerusform>%n Debatten wurden vor dem Ende angehalten (die App oder Ollama wurde beendet). „Fortsetzen“ macht beim zuletzt gespeicherten Beitrag weiter; nichts bisher Gesagtes geht verloren.</numerusform>
        </translation>
    </message>
    <message>
        <source>debate %1</source>
        <translation>Debatte %1</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Export Debate</source>
        <translation>Debatte exportieren</translation>
    </message>
    <message>
        <source>Markdown (*.md);;JSON (*.json)</source>
        <translation>Markdown (*.md);;JSON (*.json)</translation>
    </message>
    <message>
        <source>The debates could not be read: %1</source>
        <translation>Die Debatten konnten nicht gelesen werden: %1</translation>
    </message>
</context>
<context>
    <name>rt::ui::DemoServer</name>
    <message>
        <source>The simulator did not report its address within %1 seconds.</source>
        <translation>Der Simulator hat seine Adresse nicht innerhalb von %1 Sekunden gemeldet.</translation>
    </message>
    <message>
        <source>The demo simulator was not found at %1. It is built with Roundtable as roundtable-ollama-sim.</source>
        <translation>Der Demo-Simulator wurde unter %1 nicht gefunden. Er wird mit Roundtable als roundtable-ollama-sim gebaut.</translation>
    </message>
    <message>
        <source>The demo simulator could not be started: %1</source>
        <translation>Der Demo-Simulator konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <source>The demo simulator exited before it was ready (exit code %1).</source>
        <translation>Der Demo-Simulator wurde beendet, bevor er bereit war (Exit-Code %1).</translation>
    </message>
    <message>
        <source>The demo simulator exited before it was ready: %1</source>
        <translation>Der Demo-Simulator wurde beendet, bevor er bereit war: %1</translation>
    </message>
</context>
<context>
    <name>rt::ui::GuiOptions</name>
    <message>
        <source>Start with the built-in simulator (simulated models, no Ollama needed).</source>
        <translation>Mit dem integrierten Simulator starten (simulierte Modelle, kein Ollama nötig).</translation>
    </message>
    <message>
        <source>Save a PNG of the window once it has settled, then quit.</source>
        <translation>Ein PNG des Fensters speichern, sobald es fertig aufgebaut ist, dann beenden.</translation>
    </message>
    <message>
        <source>Colours for this run: light, dark or system (default: the choice in Settings, else system).</source>
        <translation>Farben für diesen Lauf: light, dark oder system (Standard: die Wahl in den Einstellungen, sonst system).</translation>
    </message>
    <message>
        <source>Should a small team write its own tests before the code?</source>
        <translation>Sollte ein kleines Team seine eigenen Tests vor dem Code schreiben?</translation>
    </message>
    <message>
        <source>Open this page: %1. With --screenshot, that page is saved.</source>
        <translation>Diese Seite öffnen: %1. Mit --screenshot wird diese Seite gespeichert.</translation>
    </message>
    <message>
        <source>Language of the window for this run: en, de or fr (default: the choice in Settings, else the system&apos;s).</source>
        <translation>Sprache des Fensters für diesen Lauf: en, de oder fr (Standard: die Wahl in den Einstellungen, sonst die des Systems).</translation>
    </message>
    <message>
        <source>--language &quot;%1&quot; is not a language Roundtable speaks; use %2.</source>
        <translation>--language „%1“ ist keine Sprache, die Roundtable spricht; %2 verwenden.</translation>
    </message>
    <message>
        <source>%1 (see roundtable --help)</source>
        <translation>%1 (siehe roundtable --help)</translation>
    </message>
    <message>
        <source>Unexpected argument &quot;%1&quot; (see roundtable --help).</source>
        <translation>Unerwartetes Argument „%1“ (siehe roundtable --help).</translation>
    </message>
    <message>
        <source>--ollama-host &quot;%1&quot; is not a valid Ollama host: %2</source>
        <translation>--ollama-host „%1“ ist kein gültiger Ollama-Host: %2</translation>
    </message>
    <message>
        <source>--page &quot;%1&quot; is not a page; use one of: %2.</source>
        <translation>--page „%1“ ist keine Seite; eine der folgenden verwenden: %2.</translation>
    </message>
    <message>
        <source>--theme &quot;%1&quot; is not a theme; use light, dark or system.</source>
        <translation>--theme „%1“ ist kein Design; light, dark oder system verwenden.</translation>
    </message>
    <message>
        <source>Could not write the screenshot to %1.</source>
        <translation>Der Screenshot konnte nicht nach %1 geschrieben werden.</translation>
    </message>
</context>
<context>
    <name>rt::ui::HistoryPage</name>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Search history</source>
        <translation>Verlauf durchsuchen</translation>
    </message>
    <message>
        <source>Search every chat and debate…</source>
        <translation>Alle Chats und Debatten durchsuchen…</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>Chats and debates</source>
        <translation>Chats und Debatten</translation>
    </message>
    <message>
        <source>Chats only</source>
        <translation>Nur Chats</translation>
    </message>
    <message>
        <source>Debates only</source>
        <translation>Nur Debatten</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Any model</source>
        <translation>Alle Modelle</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <source>Any agent</source>
        <translation>Alle Agenten</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Gesamter Zeitraum</translation>
    </message>
    <message>
        <source>Past day</source>
        <translation>Letzter Tag</translation>
    </message>
    <message>
        <source>Past week</source>
        <translation>Letzte Woche</translation>
    </message>
    <message>
        <source>Past month</source>
        <translation>Letzter Monat</translation>
    </message>
    <message>
        <source>Past year</source>
        <translation>Letztes Jahr</translation>
    </message>
    <message>
        <source>Between…</source>
        <translation>Zwischen…</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Bis</translation>
    </message>
    <message>
        <source>and</source>
        <translation>und</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Save the selected conversation or debate as Markdown or JSON</source>
        <translation>Ausgewählte Unterhaltung oder Debatte als Markdown oder JSON speichern</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importieren…</translation>
    </message>
    <message>
        <source>Import a conversation or debate exported as JSON</source>
        <translation>Eine als JSON exportierte Unterhaltung oder Debatte importieren</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>Ergebnisse</translation>
    </message>
    <message>
        <source>Search History</source>
        <translation>Verlauf durchsuchen</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Suche läuft…</translation>
    </message>
    <message>
        <source>The search failed: %1</source>
        <translation>Die Suche ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>The search failed.</source>
        <translation>Die Suche ist fehlgeschlagen.</translation>
    </message>
    <message>
        <source>Nothing matches “%1”. Try fewer words, or other filters.</source>
        <translation>Nichts passt zu „%1“. Weniger Wörter oder andere Filter versuchen.</translation>
    </message>
    <message>
        <source>No matches.</source>
        <translation>Keine Treffer.</translation>
    </message>
    <message>
        <source>The %1 best matches for “%2” — Enter opens the selected one.</source>
        <translation>Die %1 besten Treffer für „%2“ – Eingabe öffnet den ausgewählten.</translation>
    </message>
    <message numerus="yes">
        <source>%n match(es) for “%1” — Enter opens the selected one.</source>
        <translation>
            <numerusform>%n Treffer für „%1“ – Eingabe öffnet den ausgewählten.</numerusform>
            <numerusform>%n Treffer für „%1“ – Eingabe öffnet den ausgewählten.</numerusform>
        </translation>
    </message>
    <message>
        <source>The history could not be read: %1</source>
        <translation>Der Verlauf konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>The history could not be read.</source>
        <translation>Der Verlauf konnte nicht gelesen werden.</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n Nachricht</numerusform>
            <numerusform>%n Nachrichten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 · %n message(s)</source>
        <translation>
            <numerusform>%1 · %n Nachricht</numerusform>
            <numerusform>%1 · %n Nachrichten</numerusform>
        </translation>
    </message>
    <message>
        <source>Debate</source>
        <translation>Debatte</translation>
    </message>
    <message>
        <source>Debate · %1</source>
        <translation>Debatte · %1</translation>
    </message>
    <message>
        <source>Nothing stored yet. Your chats and debates will be listed and searchable here.</source>
        <translation>Noch nichts gespeichert. Ihre Chats und Debatten werden hier aufgelistet und sind durchsuchbar.</translation>
    </message>
    <message>
        <source>Recent conversations and debates. Type to search all of them.</source>
        <translation>Letzte Unterhaltungen und Debatten. Tippen, um alle zu durchsuchen.</translation>
    </message>
    <message>
        <source>Not exported: %1</source>
        <translation>Nicht exportiert: %1</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Exported to %1.</source>
        <translation>Nach %1 exportiert.</translation>
    </message>
    <message>
        <source>Export Debate</source>
        <translation>Debatte exportieren</translation>
    </message>
    <message>
        <source>Export Conversation</source>
        <translation>Unterhaltung exportieren</translation>
    </message>
    <message>
        <source>Markdown (*.md);;JSON, can be imported again (*.json)</source>
        <translation>Markdown (*.md);;JSON, erneut importierbar (*.json)</translation>
    </message>
    <message>
        <source>Could not read %1: %2</source>
        <translation>%1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Not imported: %1</source>
        <translation>Nicht importiert: %1</translation>
    </message>
    <message numerus="yes">
        <source>Imported a debate with %n turn(s).</source>
        <translation>
            <numerusform>Debatte mit %n Beitrag importiert.</numerusform>
            <numerusform>Debatte mit %n Beiträgen importiert.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported a conversation with %n message(s).</source>
        <translation>
            <numerusform>Unterhaltung mit %n Nachricht importiert.</numerusform>
            <numerusform>Unterhaltung mit %n Nachrichten importiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Import a Conversation or Debate</source>
        <translation>Unterhaltung oder Debatte importieren</translation>
    </message>
    <message>
        <source>JSON export (*.json);;All files (*)</source>
        <translation>JSON-Export (*.json);;Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>rt::ui::HostListModel</name>
    <message>
        <source>Checking…</source>
        <translation>Wird geprüft…</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Busy (%1 waiting)</source>
        <translation>Ausgelastet (%1 wartend)</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Ausgelastet</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Breaker open (retry in %1 s)</source>
        <translation>Sicherung ausgelöst (neuer Versuch in %1 s)</translation>
    </message>
    <message>
        <source>Breaker open</source>
        <translation>Sicherung ausgelöst</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
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
        <translation>%1 von %2, %3 wartend</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latenz</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>Loaded</source>
        <translation>Geladen</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
</context>
<context>
    <name>rt::ui::MainWindow</name>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Debates</source>
        <translation>Debatten</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Agenten</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>Aufgaben</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Metriken</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>⚠ Not saving: %1 Using a temporary database until restart. &lt;a href=&quot;settings&quot;&gt;Choose another…&lt;/a&gt;</source>
        <translation>⚠ Wird nicht gespeichert: %1 Bis zum Neustart wird eine temporäre Datenbank verwendet. &lt;a href=&quot;settings&quot;&gt;Andere wählen…&lt;/a&gt;</translation>
    </message>
    <message>
        <source>%1

Database: %2
Choose another in Settings, with --db or $ROUNDTABLE_DB.</source>
        <translation>%1

Datenbank: %2
Eine andere lässt sich in den Einstellungen, mit --db oder $ROUNDTABLE_DB wählen.</translation>
    </message>
    <message>
        <source>1 model</source>
        <translation>1 Modell</translation>
    </message>
    <message>
        <source>%1 models</source>
        <translation>%1 Modelle</translation>
    </message>
    <message>
        <source>The demo simulator stopped unexpectedly.</source>
        <translation>Der Demo-Simulator wurde unerwartet beendet.</translation>
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
        <translation>&lt;b&gt;Demo – simulierte Modelle.&lt;/b&gt; Die Antworten stammen vom integrierten Simulator von Roundtable, nicht von einem KI-Modell.</translation>
    </message>
    <message>
        <source>Leave Demo</source>
        <translation>Demo beenden</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;New Chat</source>
        <translation>&amp;Neuer Chat</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>&amp;Chat</translation>
    </message>
    <message>
        <source>&amp;Stop Reply</source>
        <translation>Antwort &amp;anhalten</translation>
    </message>
    <message>
        <source>&amp;Focus Message Box</source>
        <translation>&amp;Eingabefeld fokussieren</translation>
    </message>
    <message>
        <source>&amp;Reload Models</source>
        <translation>Modelle neu &amp;laden</translation>
    </message>
    <message>
        <source>&amp;Debate</source>
        <translation>De&amp;batte</translation>
    </message>
    <message>
        <source>New &amp;Debate…</source>
        <translation>Neue &amp;Debatte…</translation>
    </message>
    <message>
        <source>All &amp;Debates</source>
        <translation>&amp;Alle Debatten</translation>
    </message>
    <message>
        <source>Connect to a &amp;Remote Table…</source>
        <translation>Mit &amp;entferntem Tisch verbinden…</translation>
    </message>
    <message>
        <source>Watch the debates of another Roundtable from its viewer link (read-only)</source>
        <translation>Die Debatten eines anderen Roundtable über dessen Zuschauer-Link verfolgen (nur lesen)</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Gehe zu</translation>
    </message>
    <message>
        <source>&amp;Search History…</source>
        <translation>Verlauf &amp;durchsuchen…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>&amp;About Roundtable</source>
        <translation>&amp;Über Roundtable</translation>
    </message>
    <message>
        <source>About Roundtable</source>
        <translation>Über Roundtable</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Roundtable %1&lt;/h3&gt;&lt;p&gt;Seat several local AI models at one table and let them debate.&lt;/p&gt;&lt;p&gt;Talks to Ollama at %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Roundtable %1&lt;/h3&gt;&lt;p&gt;Mehrere lokale KI-Modelle an einen Tisch setzen und debattieren lassen.&lt;/p&gt;&lt;p&gt;Verbunden mit Ollama unter %2.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Debates are running</source>
        <translation>Debatten laufen</translation>
    </message>
    <message numerus="yes">
        <source>%n debate(s) still running. Stop them now (the turns in progress are kept, marked partial) or keep them resumable (they continue from the last saved turn next time)?</source>
        <translation>
            <numerusform>%n Debatte läuft noch. Jetzt anhalten (laufende Beiträge bleiben erhalten, als unvollständig markiert) oder fortsetzbar lassen (beim nächsten Mal geht es ab dem zuletzt gespeicherten Beitrag weiter)?</numerusform>
            <numerusform>%n Debatten laufen noch. Jetzt anhalten (laufende Beiträge bleiben erhalten, als unvollständig markiert) oder fortsetzbar lassen (beim nächsten Mal geht es ab dem zuletzt gespeicherten Beitrag weiter)?</numerusform>
        </translation>
    </message>
    <message>
        <source>Stop Debates</source>
        <translation>Debatten anhalten</translation>
    </message>
    <message>
        <source>Keep Resumable</source>
        <translation>Fortsetzbar lassen</translation>
    </message>
    <message>
        <source>Starting the demo simulator…</source>
        <translation>Demo-Simulator wird gestartet…</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbindung zu %1 wird hergestellt…</translation>
    </message>
    <message>
        <source>Simulated (demo) — roundtable-ollama-sim at %1</source>
        <translation>Simuliert (Demo) – roundtable-ollama-sim unter %1</translation>
    </message>
    <message>
        <source>Online — Ollama at %1</source>
        <translation>Online – Ollama unter %1</translation>
    </message>
    <message>
        <source>Online — Ollama %1 at %2</source>
        <translation>Online – Ollama %1 unter %2</translation>
    </message>
    <message>
        <source>Offline — no answer from %1. Trying again…</source>
        <translation>Offline – keine Antwort von %1. Neuer Versuch…</translation>
    </message>
    <message>
        <source>Offline — no answer from %1. Next try in %2 s.</source>
        <translation>Offline – keine Antwort von %1. Nächster Versuch in %2 s.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Roundtable (Demo — simulated models)</source>
        <translation>Roundtable (Demo – simulierte Modelle)</translation>
    </message>
</context>
<context>
    <name>rt::ui::MessageDelegate</name>
    <message>
        <source>Retry</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Stopped before any text arrived.</source>
        <translation>Angehalten, bevor Text ankam.</translation>
    </message>
    <message>
        <source>The model sent an empty reply.</source>
        <translation>Das Modell hat eine leere Antwort gesendet.</translation>
    </message>
</context>
<context>
    <name>rt::ui::MetricsPage</name>
    <message>
        <source>Healthy</source>
        <translation>In Ordnung</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>Eingeschränkt</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Ausgefallen</translation>
    </message>
    <message>
        <source>kept loaded</source>
        <translation>bleibt geladen</translation>
    </message>
    <message>
        <source>unloading now</source>
        <translation>wird entladen</translation>
    </message>
    <message>
        <source>in under a minute</source>
        <translation>in unter einer Minute</translation>
    </message>
    <message numerus="yes">
        <source>in %n min</source>
        <translation>
            <numerusform>in %n min</numerusform>
            <numerusform>in %n min</numerusform>
        </translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Metriken</translation>
    </message>
    <message>
        <source>Time range</source>
        <translation>Zeitraum</translation>
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
        <translation>Die letzten 24 Stunden, aus den minütlich gespeicherten Messwerten</translation>
    </message>
    <message>
        <source>Live, one point a second</source>
        <translation>Live, ein Punkt pro Sekunde</translation>
    </message>
    <message>
        <source>Tokens per second</source>
        <translation>Token pro Sekunde</translation>
    </message>
    <message>
        <source>Tokens per second of</source>
        <translation>Token pro Sekunde nach</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Agenten</translation>
    </message>
    <message>
        <source>One line per model</source>
        <translation>Eine Linie pro Modell</translation>
    </message>
    <message>
        <source>One line per debate agent</source>
        <translation>Eine Linie pro Debatten-Agent</translation>
    </message>
    <message>
        <source>Response time</source>
        <translation>Antwortzeit</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>Whole replies (p50, p95) and the wait for their first token (p50), over the last 30 seconds</source>
        <translation>Vollständige Antworten (p50, p95) und die Zeit bis zum ersten Token (p50) in den letzten 30 Sekunden</translation>
    </message>
    <message>
        <source>Failed requests (last minute)</source>
        <translation>Fehlgeschlagene Anfragen (letzte Minute)</translation>
    </message>
    <message numerus="yes">
        <source>Failed requests (last %n s)</source>
        <translation>
            <numerusform>Fehlgeschlagene Anfragen (letzte %n s)</numerusform>
            <numerusform>Fehlgeschlagene Anfragen (letzte %n s)</numerusform>
        </translation>
    </message>
    <message>
        <source>Streams and queue per host</source>
        <translation>Streams und Warteschlange pro Host</translation>
    </message>
    <message>
        <source>Viewers</source>
        <translation>Zuschauer</translation>
    </message>
    <message>
        <source>People following a debate through Roundtable&apos;s local server</source>
        <translation>Personen, die eine Debatte über den lokalen Server von Roundtable verfolgen</translation>
    </message>
    <message>
        <source>Loaded models</source>
        <translation>Geladene Modelle</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>VRAM</source>
        <translation>VRAM</translation>
    </message>
    <message>
        <source>Unloads</source>
        <translation>Entladung</translation>
    </message>
    <message>
        <source>No model is loaded. A model loads with its first request and unloads when its keep-alive ends.</source>
        <translation>Kein Modell geladen. Ein Modell wird mit der ersten Anfrage geladen und entladen, wenn seine Keep-alive-Zeit abläuft.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>Could not read the stored samples: %1</source>
        <translation>Die gespeicherten Messwerte konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Nothing stored for the last 24 hours yet. Samples are saved once a minute while Roundtable runs.</source>
        <translation>Für die letzten 24 Stunden ist noch nichts gespeichert. Messwerte werden einmal pro Minute gespeichert, solange Roundtable läuft.</translation>
    </message>
    <message>
        <source>No requests yet: start a chat or a debate</source>
        <translation>Noch keine Anfragen: Chat oder Debatte starten</translation>
    </message>
    <message>
        <source>Nothing in the last 5 minutes</source>
        <translation>Nichts in den letzten 5 Minuten</translation>
    </message>
    <message>
        <source>Nothing in the last hour</source>
        <translation>Nichts in der letzten Stunde</translation>
    </message>
    <message>
        <source>No debate turns yet: tokens per agent come from debates</source>
        <translation>Noch keine Debattenbeiträge: Token pro Agent stammen aus Debatten</translation>
    </message>
    <message>
        <source>No reply has finished yet</source>
        <translation>Noch keine Antwort abgeschlossen</translation>
    </message>
    <message>
        <source>No samples yet</source>
        <translation>Noch keine Messwerte</translation>
    </message>
    <message>
        <source>%1 streams</source>
        <translation>%1 Streams</translation>
    </message>
    <message>
        <source>%1 queued</source>
        <translation>%1 wartend</translation>
    </message>
    <message>
        <source>viewers</source>
        <translation>Zuschauer</translation>
    </message>
    <message>
        <source>Checking</source>
        <translation>Wird geprüft</translation>
    </message>
    <message>
        <source>Checking the Ollama hosts…</source>
        <translation>Ollama-Hosts werden geprüft…</translation>
    </message>
    <message numerus="yes">
        <source>%n request(s) since start, %1 failed; %2 streaming now</source>
        <translation>
            <numerusform>%n Anfrage seit dem Start, %1 fehlgeschlagen; %2 Streams aktiv</numerusform>
            <numerusform>%n Anfragen seit dem Start, %1 fehlgeschlagen; %2 Streams aktiv</numerusform>
        </translation>
    </message>
    <message>
        <source>Not sampled yet</source>
        <translation>Noch nicht erfasst</translation>
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
        <translation>in der letzten Minute</translation>
    </message>
    <message numerus="yes">
        <source>in the last %n second(s)</source>
        <translation>
            <numerusform>in der letzten %n Sekunde</numerusform>
            <numerusform>in den letzten %n Sekunden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n request(s), %1 failed %2</source>
        <translation>
            <numerusform>%n Anfrage, %1 fehlgeschlagen %2</numerusform>
            <numerusform>%n Anfragen, %1 fehlgeschlagen %2</numerusform>
        </translation>
    </message>
    <message>
        <source>first token p95 %1 s</source>
        <translation>erstes Token p95 %1 s</translation>
    </message>
    <message>
        <source>Answering normally.</source>
        <translation>Antwortet normal.</translation>
    </message>
    <message>
        <source>%1 (%2% on CPU)</source>
        <translation>%1 (%2 % auf der CPU)</translation>
    </message>
    <message>
        <source>Unloads at %1</source>
        <translation>Entladung um %1</translation>
    </message>
</context>
<context>
    <name>rt::ui::ModelListModel</name>
    <message>
        <source>tools</source>
        <translation>Werkzeuge</translation>
    </message>
    <message>
        <source>vision</source>
        <translation>Bilderkennung</translation>
    </message>
    <message>
        <source>thinking</source>
        <translation>Denken</translation>
    </message>
    <message>
        <source>embedding</source>
        <translation>Embedding</translation>
    </message>
    <message>
        <source>%1, %2% on the CPU</source>
        <translation>%1, %2 % auf der CPU</translation>
    </message>
    <message>
        <source>In memory (%1)</source>
        <translation>Im Speicher (%1)</translation>
    </message>
    <message>
        <source>In memory (%1) until %2</source>
        <translation>Im Speicher (%1) bis %2</translation>
    </message>
    <message>
        <source>Not loaded; Ollama loads it with the first request.</source>
        <translation>Nicht geladen; Ollama lädt es mit der ersten Anfrage.</translation>
    </message>
    <message>
        <source>● %1</source>
        <translation>● %1</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>Familie</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Quantisation</source>
        <translation>Quantisierung</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Kontext</translation>
    </message>
    <message>
        <source>Capabilities</source>
        <translation>Fähigkeiten</translation>
    </message>
    <message>
        <source>Loaded</source>
        <translation>Geladen</translation>
    </message>
</context>
<context>
    <name>rt::ui::ModelsPage</name>
    <message>
        <source>Edit Host</source>
        <translation>Host bearbeiten</translation>
    </message>
    <message>
        <source>Add Host</source>
        <translation>Host hinzufügen</translation>
    </message>
    <message>
        <source>gpu-box</source>
        <translation>gpu-box</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>&amp;URL</source>
        <translation>&amp;URL</translation>
    </message>
    <message>
        <source>&amp;Requests at once</source>
        <translation>&amp;Gleichzeitige Anfragen</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Use letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos; for the name (up to 40), starting with a letter or digit.</source>
        <translation>Der Name darf Buchstaben, Ziffern, „.“, „_“ oder „-“ enthalten (bis zu 40 Zeichen) und muss mit einem Buchstaben oder einer Ziffer beginnen.</translation>
    </message>
    <message>
        <source>“%1” is not a valid Ollama host: %2</source>
        <translation>„%1“ ist kein gültiger Ollama-Host: %2</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Ask every host again: state, latency, models and what is loaded</source>
        <translation>Alle Hosts erneut abfragen: Zustand, Latenz, Modelle und was geladen ist</translation>
    </message>
    <message>
        <source>Pull a Model…</source>
        <translation>Modell herunterladen…</translation>
    </message>
    <message>
        <source>Download a model to a host</source>
        <translation>Ein Modell auf einen Host herunterladen</translation>
    </message>
    <message>
        <source>Hosts</source>
        <translation>Hosts</translation>
    </message>
    <message>
        <source>Show the models of</source>
        <translation>Modelle anzeigen von</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Loaded models stay in memory until their keep-alive ends; the first request loads a model.</source>
        <translation>Geladene Modelle bleiben im Speicher, bis ihre Keep-alive-Zeit abläuft; die erste Anfrage lädt ein Modell.</translation>
    </message>
    <message>
        <source>Model details</source>
        <translation>Modelldetails</translation>
    </message>
    <message>
        <source>&lt;p style=&apos;color:%1&apos;&gt;Pick a model to see its details.&lt;/p&gt;</source>
        <translation>&lt;p style=&apos;color:%1&apos;&gt;Ein Modell auswählen, um seine Details zu sehen.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen…</translation>
    </message>
    <message>
        <source>Remove the model from its host (asks first)</source>
        <translation>Das Modell von seinem Host entfernen (mit Rückfrage)</translation>
    </message>
    <message>
        <source>Requests go to a host that has the model, the least busy first. A host that stops answering is taken out of rotation at once and tried again after a pause. These are the hosts of &lt;code&gt;roundtable hosts&lt;/code&gt;, saved in the same settings.</source>
        <translation>Anfragen gehen an einen Host, der das Modell hat, zuerst an den am wenigsten ausgelasteten. Ein Host, der nicht mehr antwortet, wird sofort aus der Rotation genommen und nach einer Pause erneut versucht. Dies sind die Hosts von &lt;code&gt;roundtable hosts&lt;/code&gt;, in denselben Einstellungen gespeichert.</translation>
    </message>
    <message>
        <source>Add Host…</source>
        <translation>Host hinzufügen…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Bearbeiten…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Check Now</source>
        <translation>Jetzt prüfen</translation>
    </message>
    <message>
        <source>Probe every host now, the offline ones too</source>
        <translation>Alle Hosts jetzt prüfen, auch die offline</translation>
    </message>
    <message>
        <source>The first host is the window&apos;s own connection; change its URL with Edit</source>
        <translation>Der erste Host ist die eigene Verbindung des Fensters; seine URL lässt sich mit „Bearbeiten“ ändern</translation>
    </message>
    <message>
        <source>Remove the host from the settings</source>
        <translation>Den Host aus den Einstellungen entfernen</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; — %2: %3</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; – %2: %3</translation>
    </message>
    <message>
        <source>All hosts</source>
        <translation>Alle Hosts</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;No models here yet.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Pull one to start: &lt;a href=&apos;pull&apos;&gt;Pull a Model…&lt;/a&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Noch keine Modelle vorhanden.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Zum Start eines herunterladen: &lt;a href=&apos;pull&apos;&gt;Modell herunterladen…&lt;/a&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;No host is answering.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;The Hosts tab says what went wrong with each.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Kein Host antwortet.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Der Reiter „Hosts“ zeigt, was bei jedem schiefgelaufen ist.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p style=&apos;color:%2&apos;&gt;Loading details…&lt;/p&gt;</source>
        <translation>&lt;h3&gt;%1&lt;/h3&gt;&lt;p style=&apos;color:%2&apos;&gt;Details werden geladen…&lt;/p&gt;</translation>
    </message>
    <message>
        <source>on %1</source>
        <translation>auf %1</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>Familie</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Quantisation</source>
        <translation>Quantisierung</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>Kontextlänge</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 Token</translation>
    </message>
    <message>
        <source>Capabilities</source>
        <translation>Fähigkeiten</translation>
    </message>
    <message>
        <source>completion</source>
        <translation>Vervollständigung</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Nein</translation>
    </message>
    <message>
        <source>%1, context %2</source>
        <translation>%1, Kontext %2</translation>
    </message>
    <message>
        <source>Loaded now</source>
        <translation>Derzeit geladen</translation>
    </message>
    <message>
        <source>Modified</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <source>Digest</source>
        <translation>Digest</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>System-Prompt</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <source>License</source>
        <translation>Lizenz</translation>
    </message>
    <message>
        <source>&lt;h3&gt;%1&lt;/h3&gt;&lt;p style=&apos;color:%2&apos;&gt;The details did not load: %3&lt;/p&gt;</source>
        <translation>&lt;h3&gt;%1&lt;/h3&gt;&lt;p style=&apos;color:%2&apos;&gt;Die Details konnten nicht geladen werden: %3&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Delete %1 from %2? It frees %3; pulling it again downloads it again.</source>
        <translation>%1 von %2 löschen? Das gibt %3 frei; erneutes Herunterladen lädt es wieder vollständig herunter.</translation>
    </message>
    <message>
        <source>Delete Model</source>
        <translation>Modell löschen</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Deleted %1 from %2.</source>
        <translation>%1 wurde von %2 gelöscht.</translation>
    </message>
    <message>
        <source>%1 could not be deleted from %2: %3</source>
        <translation>%1 konnte nicht von %2 gelöscht werden: %3</translation>
    </message>
    <message>
        <source>A host named “%1” already exists.</source>
        <translation>Ein Host namens „%1“ existiert bereits.</translation>
    </message>
    <message>
        <source>Added host %1 (%2).</source>
        <translation>Host %1 (%2) hinzugefügt.</translation>
    </message>
    <message>
        <source>There is no host named “%1”.</source>
        <translation>Es gibt keinen Host namens „%1“.</translation>
    </message>
    <message>
        <source>The first host is the window&apos;s own connection and keeps its name.</source>
        <translation>Der erste Host ist die eigene Verbindung des Fensters und behält seinen Namen.</translation>
    </message>
    <message>
        <source>Saved host %1 (%2).</source>
        <translation>Host %1 (%2) gespeichert.</translation>
    </message>
    <message>
        <source>The first host is the window&apos;s own connection; change its URL instead.</source>
        <translation>Der erste Host ist die eigene Verbindung des Fensters; stattdessen seine URL ändern.</translation>
    </message>
    <message>
        <source>Removed host %1.</source>
        <translation>Host %1 entfernt.</translation>
    </message>
    <message>
        <source>Remove Host</source>
        <translation>Host entfernen</translation>
    </message>
    <message>
        <source>Remove the host %1 from Roundtable? Its models stay on it.</source>
        <translation>Host %1 aus Roundtable entfernen? Seine Modelle bleiben darauf erhalten.</translation>
    </message>
</context>
<context>
    <name>rt::ui::NewDebatePanel</name>
    <message>
        <source>New Debate</source>
        <translation>Neue Debatte</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Frage</translation>
    </message>
    <message>
        <source>What should the agents debate? Enter starts, Shift+Enter adds a line.</source>
        <translation>Worüber sollen die Agenten debattieren? Eingabe startet, Umschalt+Eingabe fügt eine Zeile hinzu.</translation>
    </message>
    <message>
        <source>Seats</source>
        <translation>Plätze</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agent</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Rounds</source>
        <translation>Runden</translation>
    </message>
    <message>
        <source>Consensus threshold</source>
        <translation>Konsensschwelle</translation>
    </message>
    <message>
        <source>Share of confidence-weighted support the leading answer needs to stop early</source>
        <translation>Anteil der nach Zuversicht gewichteten Zustimmung, den die führende Antwort braucht, damit die Debatte vorzeitig endet</translation>
    </message>
    <message>
        <source>More options</source>
        <translation>Weitere Optionen</translation>
    </message>
    <message>
        <source>Token budget</source>
        <translation>Token-Budget</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>Time budget in minutes</source>
        <translation>Zeitbudget in Minuten</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Stop when nobody changes position for this many rounds</source>
        <translation>Anhalten, wenn so viele Runden lang niemand seine Position ändert</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>A synthesiser writes a final summary</source>
        <translation>Ein Synthese-Agent schreibt eine abschließende Zusammenfassung</translation>
    </message>
    <message>
        <source>Token budget:</source>
        <translation>Token-Budget:</translation>
    </message>
    <message>
        <source>Time budget:</source>
        <translation>Zeitbudget:</translation>
    </message>
    <message>
        <source>Stop after rounds without change:</source>
        <translation>Anhalten nach Runden ohne Änderung:</translation>
    </message>
    <message>
        <source>Start Debate</source>
        <translation>Debatte starten</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Back to the list (Esc)</source>
        <translation>Zurück zur Liste (Esc)</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <source>Rounds:</source>
        <translation>Runden:</translation>
    </message>
    <message>
        <source>Consensus at:</source>
        <translation>Konsens ab:</translation>
    </message>
    <message>
        <source>%1  (%2)</source>
        <translation>%1  (%2)</translation>
    </message>
    <message>
        <source>%1 (not installed)</source>
        <translation>%1 (nicht installiert)</translation>
    </message>
    <message>
        <source>Model for %1</source>
        <translation>Modell für %1</translation>
    </message>
    <message>
        <source>Type the question the agents should debate.</source>
        <translation>Die Frage eingeben, über die die Agenten debattieren sollen.</translation>
    </message>
    <message>
        <source>The agents are still loading.</source>
        <translation>Die Agenten werden noch geladen.</translation>
    </message>
    <message>
        <source>Pick at least two agents (tick them in the Seats list).</source>
        <translation>Mindestens zwei Agenten wählen (in der Liste „Plätze“ ankreuzen).</translation>
    </message>
    <message>
        <source>No Ollama host is answering. Start Ollama (or the demo) and try again.</source>
        <translation>Kein Ollama-Host antwortet. Ollama (oder die Demo) starten und erneut versuchen.</translation>
    </message>
    <message>
        <source>%1 has no model: pull one on the Models page or pick one here.</source>
        <translation>%1 hat kein Modell: auf der Seite „Modelle“ eines herunterladen oder hier eines wählen.</translation>
    </message>
    <message>
        <source>%1&apos;s model %2 is not installed on any host: pick another or pull it with &quot;roundtable models pull %2&quot;.</source>
        <translation>Das Modell %2 von %1 ist auf keinem Host installiert: ein anderes wählen oder es mit „roundtable models pull %2“ herunterladen.</translation>
    </message>
    <message>
        <source>&lt;a href=&quot;pull:%1&quot;&gt;Pull %1&lt;/a&gt;</source>
        <translation>&lt;a href=&quot;pull:%1&quot;&gt;%1 herunterladen&lt;/a&gt;</translation>
    </message>
    <message>
        <source>Start the debate (Enter)</source>
        <translation>Debatte starten (Eingabe)</translation>
    </message>
</context>
<context>
    <name>rt::ui::OfflinePanel</name>
    <message>
        <source>OFFLINE</source>
        <translation>OFFLINE</translation>
    </message>
    <message>
        <source>Ollama is not answering</source>
        <translation>Ollama antwortet nicht</translation>
    </message>
    <message>
        <source>&lt;b&gt;To chat with your own models, start Ollama&lt;/b&gt; in a terminal:</source>
        <translation>&lt;b&gt;Für Chats mit eigenen Modellen Ollama starten&lt;/b&gt; – in einem Terminal:</translation>
    </message>
    <message>
        <source>Is Ollama running on another machine or port? Set &lt;b&gt;OLLAMA_HOST&lt;/b&gt;, or start Roundtable with &lt;b&gt;--ollama-host&lt;/b&gt; &lt;i&gt;URL&lt;/i&gt;.</source>
        <translation>Läuft Ollama auf einem anderen Rechner oder Port? &lt;b&gt;OLLAMA_HOST&lt;/b&gt; setzen oder Roundtable mit &lt;b&gt;--ollama-host&lt;/b&gt; &lt;i&gt;URL&lt;/i&gt; starten.</translation>
    </message>
    <message>
        <source>Not installed yet? Get it from ollama.com, then pull a model: &lt;b&gt;ollama pull llama3.2&lt;/b&gt;</source>
        <translation>Noch nicht installiert? Von ollama.com holen, dann ein Modell herunterladen: &lt;b&gt;ollama pull llama3.2&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Retry Now</source>
        <translation>Jetzt erneut versuchen</translation>
    </message>
    <message>
        <source>&lt;b&gt;No Ollama at hand?&lt;/b&gt; Try Roundtable with the built-in simulator. Its models are simulated: replies are sample text, not AI.</source>
        <translation>&lt;b&gt;Kein Ollama zur Hand?&lt;/b&gt; Roundtable mit dem integrierten Simulator ausprobieren. Seine Modelle sind simuliert: Die Antworten sind Beispieltext, keine KI.</translation>
    </message>
    <message>
        <source>Try the Demo</source>
        <translation>Demo ausprobieren</translation>
    </message>
    <message>
        <source>Roundtable tried &lt;b&gt;%1&lt;/b&gt; and got no answer.</source>
        <translation>Roundtable hat &lt;b&gt;%1&lt;/b&gt; versucht und keine Antwort erhalten.</translation>
    </message>
    <message>
        <source>Trying again…</source>
        <translation>Neuer Versuch…</translation>
    </message>
    <message>
        <source>Roundtable keeps trying by itself. Next try in 1 second.</source>
        <translation>Roundtable versucht es selbstständig weiter. Nächster Versuch in 1 Sekunde.</translation>
    </message>
    <message>
        <source>Roundtable keeps trying by itself. Next try in %1 seconds.</source>
        <translation>Roundtable versucht es selbstständig weiter. Nächster Versuch in %1 Sekunden.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet…</translation>
    </message>
    <message>
        <source>Starting the simulator…</source>
        <translation>Simulator wird gestartet…</translation>
    </message>
</context>
<context>
    <name>rt::ui::PullDialog</name>
    <message>
        <source>a good first chat model, 2.0 GB</source>
        <translation>ein gutes erstes Chat-Modell, 2,0 GB</translation>
    </message>
    <message>
        <source>small and fast, 1.3 GB</source>
        <translation>klein und schnell, 1,3 GB</translation>
    </message>
    <message>
        <source>reasoning and code, 4.7 GB</source>
        <translation>logisches Denken und Code, 4,7 GB</translation>
    </message>
    <message>
        <source>a capable all-rounder, 4.1 GB</source>
        <translation>ein fähiger Allrounder, 4,1 GB</translation>
    </message>
    <message>
        <source>Google&apos;s small model, 1.6 GB</source>
        <translation>das kleine Modell von Google, 1,6 GB</translation>
    </message>
    <message>
        <source>Microsoft, 3.8B, 2.2 GB</source>
        <translation>Microsoft, 3,8 Mrd. Parameter, 2,2 GB</translation>
    </message>
    <message>
        <source>thinks before answering, 1.1 GB</source>
        <translation>denkt vor dem Antworten nach, 1,1 GB</translation>
    </message>
    <message>
        <source>embeddings (consensus), 274 MB</source>
        <translation>Embeddings (Konsens), 274 MB</translation>
    </message>
    <message>
        <source>Pull a model</source>
        <translation>Modell herunterladen</translation>
    </message>
    <message>
        <source>Pull a Model</source>
        <translation>Modell herunterladen</translation>
    </message>
    <message>
        <source>Close; pulls go on, and the status bar shows them</source>
        <translation>Schließen; Downloads laufen weiter und erscheinen in der Statusleiste</translation>
    </message>
    <message>
        <source>Close the pull panel</source>
        <translation>Download-Bereich schließen</translation>
    </message>
    <message>
        <source>Model to pull</source>
        <translation>Herunterzuladendes Modell</translation>
    </message>
    <message>
        <source>Any model name, e.g. llama3.2:3b</source>
        <translation>Beliebiger Modellname, z. B. llama3.2:3b</translation>
    </message>
    <message>
        <source>Host to pull on</source>
        <translation>Ziel-Host</translation>
    </message>
    <message>
        <source>Pull</source>
        <translation>Herunterladen</translation>
    </message>
    <message>
        <source>Download the model to the host (Enter)</source>
        <translation>Das Modell auf den Host herunterladen (Eingabe)</translation>
    </message>
    <message>
        <source>Common models — click one to fill in its name; any name from ollama.com/library works.</source>
        <translation>Gängige Modelle – eines anklicken, um seinen Namen einzutragen; jeder Name aus ollama.com/library funktioniert.</translation>
    </message>
    <message>
        <source>Common models</source>
        <translation>Gängige Modelle</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>Pulls</source>
        <translation>Downloads</translation>
    </message>
    <message>
        <source>No pulls yet. A pull goes on when you close this panel, and continues after a restart.</source>
        <translation>Noch keine Downloads. Ein Download läuft weiter, wenn dieser Bereich geschlossen wird, und wird nach einem Neustart fortgesetzt.</translation>
    </message>
    <message>
        <source>%1 (offline)</source>
        <translation>%1 (offline)</translation>
    </message>
    <message>
        <source>Type the name of a model, or click one of the common models.</source>
        <translation>Den Namen eines Modells eingeben oder eines der gängigen Modelle anklicken.</translation>
    </message>
    <message>
        <source>A model name has no spaces, e.g. llama3.2:3b.</source>
        <translation>Ein Modellname enthält keine Leerzeichen, z. B. llama3.2:3b.</translation>
    </message>
    <message>
        <source>The task list is still opening; try again in a moment.</source>
        <translation>Die Aufgabenliste wird noch geöffnet; gleich erneut versuchen.</translation>
    </message>
    <message>
        <source>The host “%1” is not answering, so it cannot download now. Pick another host or start Ollama there.</source>
        <translation>Der Host „%1“ antwortet nicht und kann daher gerade nichts herunterladen. Einen anderen Host wählen oder dort Ollama starten.</translation>
    </message>
    <message>
        <source>%1 is already being pulled on %2.</source>
        <translation>%1 wird bereits auf %2 heruntergeladen.</translation>
    </message>
    <message>
        <source>%1 is installed on %2 already; pulling it again fetches updates.</source>
        <translation>%1 ist bereits auf %2 installiert; erneutes Herunterladen holt Aktualisierungen.</translation>
    </message>
    <message>
        <source>The pull could not be started: %1</source>
        <translation>Der Download konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Remove it from this list</source>
        <translation>Aus dieser Liste entfernen</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 auf %2</translation>
    </message>
    <message>
        <source>Waiting for another pull on this host to finish…</source>
        <translation>Warten, bis ein anderer Download auf diesem Host fertig ist…</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet…</translation>
    </message>
    <message>
        <source>✓ Pulled: %1 is ready to use.</source>
        <translation>✓ Heruntergeladen: %1 ist einsatzbereit.</translation>
    </message>
    <message>
        <source>Cancelled. Pull it again to continue where it stopped.</source>
        <translation>Abgebrochen. Erneut herunterladen, um dort fortzufahren, wo es aufgehört hat.</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>unbekannter Fehler</translation>
    </message>
    <message>
        <source>Interrupted (%1). Resume continues the download.</source>
        <translation>Unterbrochen (%1). „Fortsetzen“ setzt den Download fort.</translation>
    </message>
    <message>
        <source>Roundtable closed</source>
        <translation>Roundtable wurde geschlossen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop the download; pulling again later continues it</source>
        <translation>Download anhalten; erneutes Herunterladen setzt ihn später fort</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Continue the download</source>
        <translation>Den Download fortsetzen</translation>
    </message>
    <message>
        <source>Pull Again</source>
        <translation>Erneut herunterladen</translation>
    </message>
    <message>
        <source>Start the pull again; Ollama keeps what it downloaded</source>
        <translation>Den Download neu starten; Ollama behält, was bereits heruntergeladen wurde</translation>
    </message>
    <message>
        <source>%1  %2%  of %3</source>
        <translation>%1  %2 %  von %3</translation>
    </message>
    <message>
        <source>Layers:
%1</source>
        <translation>Layer:
%1</translation>
    </message>
</context>
<context>
    <name>rt::ui::QrCodeWidget</name>
    <message>
        <source>QR code of the viewer link</source>
        <translation>QR-Code des Zuschauer-Links</translation>
    </message>
    <message>
        <source>Scan it with a phone camera to open the viewer</source>
        <translation>Mit der Handykamera scannen, um die Zuschauer-Ansicht zu öffnen</translation>
    </message>
</context>
<context>
    <name>rt::ui::RemoteTableWindow</name>
    <message>
        <source>Connect to a Remote Table</source>
        <translation>Mit entferntem Tisch verbinden</translation>
    </message>
    <message>
        <source>Paste the viewer link of the other Roundtable (its Settings → Local Server, or what “roundtable serve” prints). You will watch its debates; you cannot change them.</source>
        <translation>Den Zuschauer-Link des anderen Roundtable einfügen (dort unter Einstellungen → Lokaler Server oder aus der Ausgabe von „roundtable serve“). Seine Debatten lassen sich verfolgen, aber nicht ändern.</translation>
    </message>
    <message>
        <source>Not a Viewer Link</source>
        <translation>Kein Zuschauer-Link</translation>
    </message>
    <message>
        <source>Remote Table — %1:%2</source>
        <translation>Entfernter Tisch – %1:%2</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbindung wird hergestellt…</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Debates at that table</source>
        <translation>Debatten an diesem Tisch</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>Trennen</translation>
    </message>
    <message>
        <source>Stop watching and close this window (Ctrl+W)</source>
        <translation>Zuschauen beenden und dieses Fenster schließen (Strg+W)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Read-only&lt;/b&gt;</source>
        <translation>&lt;b&gt;Nur lesen&lt;/b&gt;</translation>
    </message>
    <message>
        <source>You are watching another Roundtable; only its user can pause, stop or add notes.</source>
        <translation>Sie sehen einem anderen Roundtable zu; nur dessen Benutzer kann pausieren, anhalten oder Notizen hinzufügen.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>No debate yet: waiting for one to start</source>
        <translation>Noch keine Debatte: Warten auf den Start einer Debatte</translation>
    </message>
    <message>
        <source> (%1)</source>
        <translation> (%1)</translation>
    </message>
    <message>
        <source>%1 (running)</source>
        <translation>%1 (läuft)</translation>
    </message>
</context>
<context>
    <name>rt::ui::SearchResultModel</name>
    <message>
        <source>You</source>
        <translation>Sie</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>Assistent</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Debate</source>
        <translation>Debatte</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1: %2 — %3: %4</source>
        <translation>%1: %2 – %3: %4</translation>
    </message>
    <message>
        <source>DEBATE</source>
        <translation>DEBATTE</translation>
    </message>
    <message>
        <source>CHAT</source>
        <translation>CHAT</translation>
    </message>
    <message>
        <source>(untitled)</source>
        <translation>(ohne Titel)</translation>
    </message>
</context>
<context>
    <name>rt::ui::SeatCard</name>
    <message>
        <source>Seat %1: %2</source>
        <translation>Platz %1: %2</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>wartet</translation>
    </message>
    <message>
        <source>● speaking</source>
        <translation>● spricht</translation>
    </message>
    <message>
        <source>✓ done</source>
        <translation>✓ fertig</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>übersprungen</translation>
    </message>
    <message>
        <source>✕ failed</source>
        <translation>✕ fehlgeschlagen</translation>
    </message>
    <message>
        <source>◐ partial</source>
        <translation>◐ unvollständig</translation>
    </message>
    <message>
        <source>What %1 says</source>
        <translation>Was %1 sagt</translation>
    </message>
    <message>
        <source>Waiting for the first turn…</source>
        <translation>Warten auf den ersten Beitrag…</translation>
    </message>
    <message>
        <source>confidence %p%</source>
        <translation>Zuversicht %p %</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>Zuversicht</translation>
    </message>
    <message>
        <source>↻ changed position</source>
        <translation>↻ Position geändert</translation>
    </message>
    <message>
        <source>&lt;b&gt;Answer:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Antwort:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>agrees with %1</source>
        <translation>stimmt %1 zu</translation>
    </message>
    <message>
        <source>disagrees with %1</source>
        <translation>widerspricht %1</translation>
    </message>
    <message>
        <source>stopped before the end; the text so far is kept</source>
        <translation>vor dem Ende angehalten; der bisherige Text bleibt erhalten</translation>
    </message>
</context>
<context>
    <name>rt::ui::SeatChart</name>
    <message>
        <source>Tokens and time per turn of each seat</source>
        <translation>Token und Zeit pro Beitrag jedes Platzes</translation>
    </message>
    <message>
        <source>Tokens generated per seat</source>
        <translation>Erzeugte Token pro Platz</translation>
    </message>
    <message>
        <source>Seconds per turn of each seat, by round</source>
        <translation>Sekunden pro Beitrag jedes Platzes, nach Runde</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>round</source>
        <translation>Runde</translation>
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
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Changes are saved as you make them.</source>
        <translation>Änderungen werden sofort gespeichert.</translation>
    </message>
    <message>
        <source>&amp;Test Connection</source>
        <translation>Verbindung &amp;testen</translation>
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
        <translation>Wo die Modelle laufen. Anfragen gehen an einen Host, der das Modell hat; ein ausgefallener Host wird zurückgestellt, bis er wieder antwortet.</translation>
    </message>
    <message>
        <source>&amp;Manage Hosts…</source>
        <translation>Hosts &amp;verwalten…</translation>
    </message>
    <message>
        <source>Add, edit or remove hosts and see their models (Models page).</source>
        <translation>Hosts hinzufügen, bearbeiten oder entfernen und ihre Modelle ansehen (Seite „Modelle“).</translation>
    </message>
    <message>
        <source>The last model used</source>
        <translation>Zuletzt verwendetes Modell</translation>
    </message>
    <message>
        <source>Default model</source>
        <translation>Standardmodell</translation>
    </message>
    <message>
        <source>Default &amp;model:</source>
        <translation>Standard&amp;modell:</translation>
    </message>
    <message>
        <source>The chat starts with it (instead of the model used last), and debate seats and agents without a model of their own use it.</source>
        <translation>Der Chat beginnt damit (statt mit dem zuletzt verwendeten Modell), und Debattenplätze und Agenten ohne eigenes Modell verwenden es.</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Every chat, debate, agent and task is kept here. A SQLite file needs no setup; a PostgreSQL server lets a team share one history.</source>
        <translation>Hier werden alle Chats, Debatten, Agenten und Aufgaben gespeichert. Eine SQLite-Datei braucht keine Einrichtung; mit einem PostgreSQL-Server kann ein Team einen gemeinsamen Verlauf nutzen.</translation>
    </message>
    <message>
        <source>Database location</source>
        <translation>Speicherort der Datenbank</translation>
    </message>
    <message>
        <source>Default file (%1)</source>
        <translation>Standarddatei (%1)</translation>
    </message>
    <message>
        <source>A SQLite file path, or postgresql://user:password@host:5432/database</source>
        <translation>Ein SQLite-Dateipfad oder postgresql://benutzer:passwort@host:5432/datenbank</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <source>Choose a SQLite file.</source>
        <translation>Eine SQLite-Datei auswählen.</translation>
    </message>
    <message>
        <source>SQLite Database File</source>
        <translation>SQLite-Datenbankdatei</translation>
    </message>
    <message>
        <source>SQLite databases (*.sqlite *.db);;All files (*)</source>
        <translation>SQLite-Datenbanken (*.sqlite *.db);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Connect without changing anything and report the server version, or the exact error.</source>
        <translation>Verbinden, ohne etwas zu ändern, und die Serverversion oder den genauen Fehler melden.</translation>
    </message>
    <message>
        <source>&amp;Use This Database</source>
        <translation>Diese Datenbank ver&amp;wenden</translation>
    </message>
    <message>
        <source>Save it as the database for the next start (test it first).</source>
        <translation>Als Datenbank für den nächsten Start speichern (vorher testen).</translation>
    </message>
    <message>
        <source>&amp;Restart Now</source>
        <translation>Jetzt &amp;neu starten</translation>
    </message>
    <message>
        <source>&amp;Back Up Now…</source>
        <translation>Jetzt &amp;sichern…</translation>
    </message>
    <message>
        <source>Copy the database to a new file while Roundtable keeps running (SQLite VACUUM INTO).</source>
        <translation>Die Datenbank im laufenden Betrieb in eine neue Datei kopieren (SQLite VACUUM INTO).</translation>
    </message>
    <message>
        <source>A new database location applies after Roundtable restarts; nothing is copied or moved.</source>
        <translation>Ein neuer Speicherort gilt nach einem Neustart von Roundtable; dabei wird nichts kopiert oder verschoben.</translation>
    </message>
    <message>
        <source>Appearance and language</source>
        <translation>Darstellung und Sprache</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>Wie das System</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>System size</source>
        <translation>Systemgröße</translation>
    </message>
    <message>
        <source> pt</source>
        <translation> pt</translation>
    </message>
    <message>
        <source>Transcript font size</source>
        <translation>Schriftgröße des Transkripts</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>&amp;Design:</translation>
    </message>
    <message>
        <source>Transcript &amp;font size:</source>
        <translation>Schrift&amp;größe des Transkripts:</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>Local Server</source>
        <translation>Lokaler Server</translation>
    </message>
    <message>
        <source>Serves /metrics to Prometheus, /health to monitors and a read-only live view of your debates to anyone with the viewer link, while Roundtable runs. Off unless you turn it on; only this computer can connect unless you choose all networks.</source>
        <translation>Stellt, solange Roundtable läuft, /metrics für Prometheus, /health für Überwachungsdienste und eine schreibgeschützte Live-Ansicht der eigenen Debatten für alle mit dem Zuschauer-Link bereit. Standardmäßig aus; ohne die Wahl „Alle Netzwerke“ kann sich nur dieser Computer verbinden.</translation>
    </message>
    <message>
        <source>&amp;Run the local server</source>
        <translation>Lokalen Server &amp;ausführen</translation>
    </message>
    <message>
        <source>Server port</source>
        <translation>Server-Port</translation>
    </message>
    <message>
        <source>This computer only (127.0.0.1)</source>
        <translation>Nur dieser Computer (127.0.0.1)</translation>
    </message>
    <message>
        <source>All networks (0.0.0.0)</source>
        <translation>Alle Netzwerke (0.0.0.0)</translation>
    </message>
    <message>
        <source>Listen on</source>
        <translation>Erreichbar für</translation>
    </message>
    <message>
        <source>Bearer token</source>
        <translation>Bearer-Token</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Copy the token to the clipboard.</source>
        <translation>Das Token in die Zwischenablage kopieren.</translation>
    </message>
    <message>
        <source>&amp;New Token</source>
        <translation>&amp;Neues Token</translation>
    </message>
    <message>
        <source>Make a new token; scrapers with the old one are refused from now on.</source>
        <translation>Ein neues Token erzeugen; Scraper mit dem alten werden ab sofort abgewiesen.</translation>
    </message>
    <message>
        <source>Let this computer read /metrics &amp;without the token</source>
        <translation>Diesem Computer /metrics &amp;ohne Token erlauben</translation>
    </message>
    <message>
        <source>Copy &amp;Prometheus Job</source>
        <translation>&amp;Prometheus-Job kopieren</translation>
    </message>
    <message>
        <source>Copy a scrape_configs entry for prometheus.yml with this address and token.</source>
        <translation>Einen scrape_configs-Eintrag für prometheus.yml mit dieser Adresse und diesem Token kopieren.</translation>
    </message>
    <message>
        <source>Show my &amp;debates to viewers with the link (read-only)</source>
        <translation>Meine &amp;Debatten Zuschauern mit dem Link zeigen (nur lesen)</translation>
    </message>
    <message>
        <source>Chats are shown only when you share one (the share button above a conversation).</source>
        <translation>Chats werden nur gezeigt, wenn einer geteilt wird (Schaltfläche „Teilen“ über einer Unterhaltung).</translation>
    </message>
    <message>
        <source>Most viewers at once</source>
        <translation>Höchstzahl gleichzeitiger Zuschauer</translation>
    </message>
    <message>
        <source>Shown while the server runs</source>
        <translation>Wird angezeigt, solange der Server läuft</translation>
    </message>
    <message>
        <source>Viewer link</source>
        <translation>Zuschauer-Link</translation>
    </message>
    <message>
        <source>Copy &amp;Link</source>
        <translation>&amp;Link kopieren</translation>
    </message>
    <message>
        <source>Copy the viewer link; it changes each time the server starts.</source>
        <translation>Den Zuschauer-Link kopieren; er ändert sich bei jedem Serverstart.</translation>
    </message>
    <message>
        <source>Op&amp;en</source>
        <translation>Ö&amp;ffnen</translation>
    </message>
    <message>
        <source>Open the viewer page in your browser</source>
        <translation>Die Zuschauer-Seite im Browser öffnen</translation>
    </message>
    <message>
        <source>PEM certificate file (optional: https and wss)</source>
        <translation>PEM-Zertifikatsdatei (optional: https und wss)</translation>
    </message>
    <message>
        <source>TLS certificate</source>
        <translation>TLS-Zertifikat</translation>
    </message>
    <message>
        <source>PEM private key file</source>
        <translation>PEM-Datei mit privatem Schlüssel</translation>
    </message>
    <message>
        <source>TLS private key</source>
        <translation>Privater TLS-Schlüssel</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt *.key);;All files (*)</source>
        <translation>PEM-Dateien (*.pem *.crt *.key);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <source>Listen &amp;on:</source>
        <translation>&amp;Erreichbar für:</translation>
    </message>
    <message>
        <source>Metrics &amp;token:</source>
        <translation>Metrik-&amp;Token:</translation>
    </message>
    <message>
        <source>&amp;Viewer link:</source>
        <translation>&amp;Zuschauer-Link:</translation>
    </message>
    <message>
        <source>&amp;Most viewers:</source>
        <translation>&amp;Max. Zuschauer:</translation>
    </message>
    <message>
        <source>TLS &amp;certificate:</source>
        <translation>TLS-Zerti&amp;fikat:</translation>
    </message>
    <message>
        <source>TLS Certificate</source>
        <translation>TLS-Zertifikat</translation>
    </message>
    <message>
        <source>TLS &amp;key:</source>
        <translation>TLS-Sch&amp;lüssel:</translation>
    </message>
    <message>
        <source>TLS Private Key</source>
        <translation>Privater TLS-Schlüssel</translation>
    </message>
    <message>
        <source>Not running.</source>
        <translation>Läuft nicht.</translation>
    </message>
    <message>
        <source>Metrics and Health</source>
        <translation>Metriken und Zustand</translation>
    </message>
    <message>
        <source>When a host counts as degraded on the Metrics page and at /health, and how long the charts&apos; history is kept.</source>
        <translation>Wann ein Host auf der Seite „Metriken“ und unter /health als eingeschränkt gilt und wie lange der Verlauf der Diagramme aufbewahrt wird.</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>Failed requests that make a host degraded</source>
        <translation>Anteil fehlgeschlagener Anfragen, ab dem ein Host eingeschränkt ist</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>First-token time that makes a host degraded</source>
        <translation>Zeit bis zum ersten Token, ab der ein Host eingeschränkt ist</translation>
    </message>
    <message>
        <source>Time window for host health</source>
        <translation>Zeitfenster für den Host-Zustand</translation>
    </message>
    <message>
        <source>How often samples are stored</source>
        <translation>Wie oft Messwerte gespeichert werden</translation>
    </message>
    <message>
        <source> days</source>
        <translation> Tage</translation>
    </message>
    <message>
        <source>How long samples are kept</source>
        <translation>Wie lange Messwerte aufbewahrt werden</translation>
    </message>
    <message>
        <source>Degraded when &amp;failed requests exceed:</source>
        <translation>Eingeschränkt bei &amp;Fehlerquote über:</translation>
    </message>
    <message>
        <source>…or first tokens (p95) take &amp;longer than:</source>
        <translation>…oder erste Token (p95) &amp;länger als:</translation>
    </message>
    <message>
        <source>…within the last:</source>
        <translation>…innerhalb der letzten:</translation>
    </message>
    <message>
        <source>&amp;Store chart samples every:</source>
        <translation>Messwerte &amp;speichern alle:</translation>
    </message>
    <message>
        <source>&amp;Keep them for:</source>
        <translation>&amp;Aufbewahren für:</translation>
    </message>
    <message>
        <source>A host that does not answer is down; one that comes back starts with a clean slate.</source>
        <translation>Ein Host, der nicht antwortet, gilt als ausgefallen; kommt er zurück, beginnt er wieder bei null.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet…</translation>
    </message>
    <message>
        <source>● Serving on %1 — %1/metrics (Prometheus), %1/health and the viewer link.%2</source>
        <translation>● Läuft unter %1 – %1/metrics (Prometheus), %1/health und der Zuschauer-Link.%2</translation>
    </message>
    <message>
        <source> Other machines reach it at this computer&apos;s address, with the token.</source>
        <translation> Andere Rechner erreichen ihn über die Adresse dieses Computers, mit dem Token.</translation>
    </message>
    <message>
        <source> Only this computer can open the viewer link; choose all networks to share it.</source>
        <translation> Nur dieser Computer kann den Zuschauer-Link öffnen; zum Teilen „Alle Netzwerke“ wählen.</translation>
    </message>
    <message>
        <source>This run uses --theme %1; the choice here is saved for the next start and applies now.</source>
        <translation>Diese Sitzung verwendet --theme %1; die Auswahl hier wird für den nächsten Start gespeichert und gilt sofort.</translation>
    </message>
    <message>
        <source>online</source>
        <translation>online</translation>
    </message>
    <message>
        <source>down</source>
        <translation>ausgefallen</translation>
    </message>
    <message>
        <source>checking</source>
        <translation>wird geprüft</translation>
    </message>
    <message>
        <source>No hosts.</source>
        <translation>Keine Hosts.</translation>
    </message>
    <message>
        <source>This run uses only --ollama-host %1; the saved hosts apply when Roundtable starts without it.</source>
        <translation>Diese Sitzung verwendet nur --ollama-host %1; die gespeicherten Hosts gelten, wenn Roundtable ohne diese Option startet.</translation>
    </message>
    <message>
        <source>opening…</source>
        <translation>wird geöffnet…</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>in Verwendung</translation>
    </message>
    <message>
        <source>could not be opened: %1 — a temporary database stands in until restart</source>
        <translation>konnte nicht geöffnet werden: %1 – bis zum Neustart wird eine temporäre Datenbank verwendet</translation>
    </message>
    <message>
        <source>Now: %1 (%2)</source>
        <translation>Aktuell: %1 (%2)</translation>
    </message>
    <message>
        <source>This run uses --db %1; the setting below applies when Roundtable starts without it.</source>
        <translation>Diese Sitzung verwendet --db %1; die Einstellung unten gilt, wenn Roundtable ohne diese Option startet.</translation>
    </message>
    <message>
        <source>This run uses $ROUNDTABLE_DB (%1); the setting below applies when it is not set.</source>
        <translation>Diese Sitzung verwendet $ROUNDTABLE_DB (%1); die Einstellung unten gilt, wenn die Variable nicht gesetzt ist.</translation>
    </message>
    <message>
        <source>PostgreSQL databases are backed up with the server&apos;s tools (pg_dump).</source>
        <translation>PostgreSQL-Datenbanken werden mit den Werkzeugen des Servers gesichert (pg_dump).</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>Wird getestet…</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbindung zu %1 wird hergestellt…</translation>
    </message>
    <message>
        <source>Saved. Roundtable opens %1 from the next start.</source>
        <translation>Gespeichert. Roundtable öffnet ab dem nächsten Start %1.</translation>
    </message>
    <message>
        <source>Back Up the Database</source>
        <translation>Datenbank sichern</translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>Wird gesichert…</translation>
    </message>
    <message>
        <source>✓ Saved to %1</source>
        <translation>✓ Gespeichert unter %1</translation>
    </message>
    <message>
        <source>Roundtable will speak %1 after a restart.</source>
        <translation>Nach einem Neustart spricht Roundtable %1.</translation>
    </message>
    <message>
        <source>The window&apos;s language. The command line follows the system&apos;s (LANGUAGE, LC_ALL, LANG).</source>
        <translation>Die Sprache des Fensters. Die Befehlszeile folgt der des Systems (LANGUAGE, LC_ALL, LANG).</translation>
    </message>
    <message>
        <source>Restart No&amp;w</source>
        <translation>Jetzt neu s&amp;tarten</translation>
    </message>
    <message>
        <source>Close the window and open it again in the chosen language (running debates are asked about first).</source>
        <translation>Das Fenster schließen und in der gewählten Sprache neu öffnen (zu laufenden Debatten gibt es vorher eine Rückfrage).</translation>
    </message>
</context>
<context>
    <name>rt::ui::ShortcutsDialog</name>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Filter, e.g. “debate” or “Ctrl+N”</source>
        <translation>Filtern, z. B. „Debatte“ oder „Strg+N“</translation>
    </message>
    <message>
        <source>Filter shortcuts</source>
        <translation>Tastenkürzel filtern</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <source>In a chat</source>
        <translation>Im Chat</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>Nachricht senden</translation>
    </message>
    <message>
        <source>New line in the message</source>
        <translation>Neue Zeile in der Nachricht</translation>
    </message>
    <message>
        <source>Previous / next conversation</source>
        <translation>Vorherige / nächste Unterhaltung</translation>
    </message>
    <message>
        <source>Rename the conversation</source>
        <translation>Unterhaltung umbenennen</translation>
    </message>
    <message>
        <source>In a debate</source>
        <translation>In einer Debatte</translation>
    </message>
    <message>
        <source>Pause or resume</source>
        <translation>Pausieren oder fortsetzen</translation>
    </message>
    <message>
        <source>Interject (Enter sends)</source>
        <translation>Einwerfen (Eingabe sendet)</translation>
    </message>
    <message>
        <source>Stop the debate</source>
        <translation>Debatte anhalten</translation>
    </message>
    <message>
        <source>Start (in New Debate)</source>
        <translation>Starten (in „Neue Debatte“)</translation>
    </message>
    <message>
        <source>In lists</source>
        <translation>In Listen</translation>
    </message>
    <message>
        <source>Open the selected item</source>
        <translation>Ausgewähltes Element öffnen</translation>
    </message>
    <message>
        <source>Delete, cancel or dismiss the selected item</source>
        <translation>Ausgewähltes Element löschen, abbrechen oder verwerfen</translation>
    </message>
</context>
<context>
    <name>rt::ui::TaskIndicator</name>
    <message>
        <source>Running tasks</source>
        <translation>Laufende Aufgaben</translation>
    </message>
    <message numerus="yes">
        <source>%n debate(s)</source>
        <translation>
            <numerusform>%n Debatte</numerusform>
            <numerusform>%n Debatten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pull(s)</source>
        <translation>
            <numerusform>%n Download</numerusform>
            <numerusform>%n Downloads</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n task(s)</source>
        <translation>
            <numerusform>%n Aufgabe</numerusform>
            <numerusform>%n Aufgaben</numerusform>
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
Zum Anzeigen klicken.</translation>
    </message>
</context>
<context>
    <name>rt::ui::TaskListModel</name>
    <message>
        <source>Queued</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Pausiert</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>Unterbrochen</translation>
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
        <translation>Debatte</translation>
    </message>
    <message>
        <source>Model pull</source>
        <translation>Modell-Download</translation>
    </message>
    <message>
        <source>Running in another Roundtable process (pid %1 on %2).</source>
        <translation>Läuft in einem anderen Roundtable-Prozess (PID %1 auf %2).</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>%1 (elsewhere)</source>
        <translation>%1 (anderswo)</translation>
    </message>
    <message>
        <source>100%</source>
        <translation>100 %</translation>
    </message>
    <message>
        <source>%1%</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Aufgabe</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
</context>
<context>
    <name>rt::ui::TasksPage</name>
    <message>
        <source>Show &amp;finished</source>
        <translation>&amp;Beendete anzeigen</translation>
    </message>
    <message>
        <source>&amp;Cancel Task</source>
        <translation>Aufgabe &amp;abbrechen</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>&amp;Öffnen</translation>
    </message>
    <message>
        <source>C&amp;lear Finished</source>
        <translation>Beendete &amp;entfernen</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>Aufgaben</translation>
    </message>
    <message>
        <source>No tasks yet. Debates and model pulls run here as tasks: you can close their pages, and follow, cancel or resume them from this list.</source>
        <translation>Noch keine Aufgaben. Debatten und Modell-Downloads laufen hier als Aufgaben: Ihre Seiten lassen sich schließen, und in dieser Liste können sie verfolgt, abgebrochen oder fortgesetzt werden.</translation>
    </message>
    <message>
        <source>Stop the selected task (Delete). An interrupted task is dismissed.</source>
        <translation>Die ausgewählte Aufgabe anhalten (Entf). Eine unterbrochene Aufgabe wird verworfen.</translation>
    </message>
    <message>
        <source>Show the debate or the model this task works on (Enter).</source>
        <translation>Die Debatte oder das Modell dieser Aufgabe anzeigen (Eingabe).</translation>
    </message>
    <message>
        <source>Remove finished tasks from the list and the database.</source>
        <translation>Beendete Aufgaben aus der Liste und der Datenbank entfernen.</translation>
    </message>
    <message>
        <source>Could not cancel “%1”: %2</source>
        <translation>„%1“ konnte nicht abgebrochen werden: %2</translation>
    </message>
    <message>
        <source>Could not pause “%1”: %2</source>
        <translation>„%1“ konnte nicht pausiert werden: %2</translation>
    </message>
    <message>
        <source>Could not resume “%1”: %2</source>
        <translation>„%1“ konnte nicht fortgesetzt werden: %2</translation>
    </message>
    <message>
        <source>Loading tasks…</source>
        <translation>Aufgaben werden geladen…</translation>
    </message>
    <message>
        <source>Nothing running. Tick “Show finished” to see recent tasks.</source>
        <translation>Nichts läuft. „Beendete anzeigen“ ankreuzen, um die letzten Aufgaben zu sehen.</translation>
    </message>
    <message numerus="yes">
        <source>%n running or waiting</source>
        <translation>
            <numerusform>%n läuft oder wartet</numerusform>
            <numerusform>%n laufen oder warten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n interrupted, can resume</source>
        <translation>
            <numerusform>%n unterbrochen, fortsetzbar</numerusform>
            <numerusform>%n unterbrochen, fortsetzbar</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Dismiss</source>
        <translation>&amp;Verwerfen</translation>
    </message>
    <message>
        <source>Contin&amp;ue</source>
        <translation>&amp;Weiter</translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation>Wieder&amp;holen</translation>
    </message>
    <message>
        <source>Continue “%1” from where it stopped.</source>
        <translation>„%1“ dort fortsetzen, wo es aufgehört hat.</translation>
    </message>
    <message>
        <source>It is running.</source>
        <translation>Die Aufgabe läuft.</translation>
    </message>
    <message>
        <source>Only interrupted or failed tasks can be resumed.</source>
        <translation>Nur unterbrochene oder fehlgeschlagene Aufgaben können fortgesetzt werden.</translation>
    </message>
    <message>
        <source>Select a task to see its details.</source>
        <translation>Eine Aufgabe auswählen, um ihre Details zu sehen.</translation>
    </message>
    <message>
        <source> on host &lt;b&gt;%1&lt;/b&gt;</source>
        <translation> auf Host &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>created %1</source>
        <translation>erstellt %1</translation>
    </message>
    <message>
        <source>started %1</source>
        <translation>gestartet %1</translation>
    </message>
    <message>
        <source>finished %1</source>
        <translation>beendet %1</translation>
    </message>
    <message>
        <source>Running in another Roundtable process (pid %1 on %2); Cancel asks it to stop.</source>
        <translation>Läuft in einem anderen Roundtable-Prozess (PID %1 auf %2); „Aufgabe abbrechen“ fordert ihn zum Anhalten auf.</translation>
    </message>
    <message>
        <source>Resume continues it from the last saved point.</source>
        <translation>„Fortsetzen“ setzt sie ab dem zuletzt gespeicherten Stand fort.</translation>
    </message>
</context>
</TS>
