<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>rt::cli::common</name>
    <message numerus="yes">
        <source>Note: %n message(s) or debate(s) left unfinished by an earlier crash were marked interrupted.</source>
        <translation>
            <numerusform>Note: %n message or debate left unfinished by an earlier crash was marked interrupted.</numerusform>
            <numerusform>Note: %n messages or debates left unfinished by an earlier crash were marked interrupted.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::cli::debate</name>
    <message numerus="yes">
        <source>Resuming: %n turn(s) already finished.</source>
        <translation>
            <numerusform>Resuming: %n turn already finished.</numerusform>
            <numerusform>Resuming: %n turns already finished.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Serving for %n more second(s); Ctrl-C stops.</source>
        <extracomment>The local server keeps serving after the debate ended</extracomment>
        <translation>
            <numerusform>Serving for %n more second; Ctrl-C stops.</numerusform>
            <numerusform>Serving for %n more seconds; Ctrl-C stops.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Format: %1 · up to %n round(s) · consensus at %2</source>
        <extracomment>%1 is the debate format (not translated), %2 the consensus threshold (0.00 to 1.00)</extracomment>
        <translation>
            <numerusform>Format: %1 · up to %n round · consensus at %2</numerusform>
            <numerusform>Format: %1 · up to %n rounds · consensus at %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Round %1 consensus: %2 on &quot;%3&quot; (%4) · %n changed position</source>
        <extracomment>%1 is the round, %2 the support (0.00 to 1.00) for the leading answer %3, %4 the answers with their votes; %n agents changed their position</extracomment>
        <translation>
            <numerusform>Round %1 consensus: %2 on &quot;%3&quot; (%4) · %n changed position</numerusform>
            <numerusform>Round %1 consensus: %2 on &quot;%3&quot; (%4) · %n changed position</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Cost:       %n model call(s) · %1 prompt + %2 generated tokens · %3 s · position changes per round: %4</source>
        <extracomment>%n model requests; %1 and %2 token counts, %3 seconds, %4 the number of agents that changed position in each round</extracomment>
        <translation>
            <numerusform>Cost:       %n model call · %1 prompt + %2 generated tokens · %3 s · position changes per round: %4</numerusform>
            <numerusform>Cost:       %n model calls · %1 prompt + %2 generated tokens · %3 s · position changes per round: %4</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::cli::eval</name>
    <message numerus="yes">
        <source>Question set: %1 (%n question(s))</source>
        <extracomment>%1 is the name of the question set</extracomment>
        <translation>
            <numerusform>Question set: %1 (%n question)</numerusform>
            <numerusform>Question set: %1 (%n questions)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::cli::history</name>
    <message numerus="yes">
        <source>Imported debate %1 with %n turn(s).</source>
        <extracomment>%1 is the new debate id, %2 the number of turns</extracomment>
        <translation>
            <numerusform>Imported debate %1 with %n turn.</numerusform>
            <numerusform>Imported debate %1 with %n turns.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported conversation %1 with %n message(s).</source>
        <extracomment>%1 is the new conversation id, %2 the number of messages</extracomment>
        <translation>
            <numerusform>Imported conversation %1 with %n message.</numerusform>
            <numerusform>Imported conversation %1 with %n messages.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::cli::watch</name>
    <message numerus="yes">
        <source>  %1, up to %n round(s); seats: %2</source>
        <extracomment>%1 is the debate format (not translated), %2 the agents&apos; names</extracomment>
        <translation>
            <numerusform>  %1, up to %n round; seats: %2</numerusform>
            <numerusform>  %1, up to %n rounds; seats: %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::debate</name>
    <message numerus="yes">
        <source>This format needs at least %n debating agent(s).</source>
        <translation>
            <numerusform>This format needs at least %n debating agent.</numerusform>
            <numerusform>This format needs at least %n debating agents.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::debate::DebateEngine</name>
    <message numerus="yes">
        <source>after %n round(s), because %1.</source>
        <translation>
            <numerusform>after %n round, because %1.</numerusform>
            <numerusform>after %n rounds, because %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::server::ViewerHub</name>
    <message numerus="yes">
        <source>The table is full: %n viewer(s) are watching already.</source>
        <translation>
            <numerusform>The table is full: %n viewer is watching already.</numerusform>
            <numerusform>The table is full: %n viewers are watching already.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::storage</name>
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
            <numerusform>%n debate.</numerusform>
            <numerusform>%n debates.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::ui::AgentsPage</name>
    <message numerus="yes">
        <source>Imported %n agent(s): %1.</source>
        <translation>
            <numerusform>Imported %n agent: %1.</numerusform>
            <numerusform>Imported %n agents: %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n agent(s) to %1.</source>
        <translation>
            <numerusform>Exported %n agent to %1.</numerusform>
            <numerusform>Exported %n agents to %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n agent(s)</source>
        <translation>
            <numerusform>%n agent</numerusform>
            <numerusform>%n agents</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::ui::ConversationListModel</name>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>%n min ago</numerusform>
            <numerusform>%n min ago</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::ui::DebateView</name>
    <message numerus="yes">
        <source>%n model call(s)</source>
        <translation>
            <numerusform>%n model call</numerusform>
            <numerusform>%n model calls</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 · up to %n round(s) · consensus at %2% · %3</source>
        <translation>
            <numerusform>%1 · up to %n round · consensus at %2% · %3</numerusform>
            <numerusform>%1 · up to %n rounds · consensus at %2% · %3</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n round(s) played</source>
        <translation>
            <numerusform>%n round played</numerusform>
            <numerusform>%n rounds played</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::ui::DebatesPage</name>
    <message numerus="yes">
        <source>%n debate(s) stopped before the end (the app or Ollama went away). Resume continues from the last saved turn; nothing said so far is lost.</source>
        <translation>
            <numerusform>%n debate stopped before the end (the app or Ollama went away). Resume continues from the last saved turn; nothing said so far is lost.</numerusform>
            <numerusform>%n debates stopped before the end (the app or Ollama went away). Resume continues from the last saved turn; nothing said so far is lost.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::ui::HistoryPage</name>
    <message numerus="yes">
        <source>%n match(es) for “%1” — Enter opens the selected one.</source>
        <translation>
            <numerusform>%n match for “%1” — Enter opens the selected one.</numerusform>
            <numerusform>%n matches for “%1” — Enter opens the selected one.</numerusform>
        </translation>
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
    <message numerus="yes">
        <source>Imported a debate with %n turn(s).</source>
        <translation>
            <numerusform>Imported a debate with %n turn.</numerusform>
            <numerusform>Imported a debate with %n turns.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported a conversation with %n message(s).</source>
        <translation>
            <numerusform>Imported a conversation with %n message.</numerusform>
            <numerusform>Imported a conversation with %n messages.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::ui::MainWindow</name>
    <message numerus="yes">
        <source>%n debate(s) still running. Stop them now (the turns in progress are kept, marked partial) or keep them resumable (they continue from the last saved turn next time)?</source>
        <translation>
            <numerusform>%n debate still running. Stop it now (the turn in progress is kept, marked partial) or keep it resumable (it continues from the last saved turn next time)?</numerusform>
            <numerusform>%n debates still running. Stop them now (the turns in progress are kept, marked partial) or keep them resumable (they continue from the last saved turn next time)?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::ui::MetricsPage</name>
    <message numerus="yes">
        <source>in %n min</source>
        <translation>
            <numerusform>in %n min</numerusform>
            <numerusform>in %n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Failed requests (last %n s)</source>
        <translation>
            <numerusform>Failed requests (last %n s)</numerusform>
            <numerusform>Failed requests (last %n s)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n request(s) since start, %1 failed; %2 streaming now</source>
        <translation>
            <numerusform>%n request since start, %1 failed; %2 streaming now</numerusform>
            <numerusform>%n requests since start, %1 failed; %2 streaming now</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>in the last %n second(s)</source>
        <translation>
            <numerusform>in the last %n second</numerusform>
            <numerusform>in the last %n seconds</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n request(s), %1 failed %2</source>
        <translation>
            <numerusform>%n request, %1 failed %2</numerusform>
            <numerusform>%n requests, %1 failed %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::ui::TaskIndicator</name>
    <message numerus="yes">
        <source>%n debate(s)</source>
        <translation>
            <numerusform>%n debate</numerusform>
            <numerusform>%n debates</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pull(s)</source>
        <translation>
            <numerusform>%n pull</numerusform>
            <numerusform>%n pulls</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n task(s)</source>
        <translation>
            <numerusform>%n task</numerusform>
            <numerusform>%n tasks</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>rt::ui::TasksPage</name>
    <message numerus="yes">
        <source>%n running or waiting</source>
        <translation>
            <numerusform>%n running or waiting</numerusform>
            <numerusform>%n running or waiting</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n interrupted, can resume</source>
        <translation>
            <numerusform>%n interrupted, can resume</numerusform>
            <numerusform>%n interrupted, can resume</numerusform>
        </translation>
    </message>
</context>
</TS>
