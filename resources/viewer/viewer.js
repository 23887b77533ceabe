// Roundtable live viewer: a read-only view of the host's debates and shared chats
// (docs/remote-protocol.md, version 1). It opens /ws?token=..., rebuilds its whole
// state from every snapshot and applies the numbered event stream on top of it.
// Everything the server sends is untrusted: it is only ever written with
// textContent / createElement, never parsed as HTML.
//
// Every word the page itself shows comes from MESSAGES below, in English, German and
// French; what comes from the debate (the question, agent and model names, replies,
// answers, notes) is shown as it is. The language: ?lang=en|de|fr, else the first
// supported one of the browser's languages, else English. tests/js/viewer-i18n-check.mjs
// loads this file in node (no document: only RtI18n is defined) and checks the catalogue.
'use strict';

const RtI18n = (() => {
  const LANGUAGES = ['en', 'de', 'fr'];

  // Keys name the place a text is shown. "{name}" is a placeholder; an object holds the
  // plural forms of one text, chosen by Intl.PluralRules from the parameter "count"
  // (en and de: one, other; fr: one, many, other). Numbers given as parameters are
  // formatted for the language; percentages arrive formatted already.
  // French uses a narrow no-break space (\u202f) before : ; ! ? and a no-break space
  // (\u00a0) between a number and its unit.
  /* i18n-catalogue-begin */
  const MESSAGES = {
    en: {
      'page.title': 'Roundtable · live view',
      'brand.sub': 'live view · read-only',
      'nav.label': 'Live sessions',
      'nav.debates': 'Debates',
      'nav.chats': 'Shared chats',
      'nav.no_debates': 'No debates yet',
      'nav.no_chats': 'No shared chats',
      'empty.label': 'Nothing selected',
      'empty.title': 'Nothing to watch yet',
      'empty.text': 'Debates and shared chats appear here as soon as they start on the host.',
      'empty.refused_title': 'This viewer cannot connect',

      'status.connecting': 'Connecting…',
      'status.reconnecting': 'Reconnecting…',
      'status.connected': 'Connected',
      'status.connected_to': 'Connected to {server}',
      'status.retry_in': 'Reconnecting in {seconds} s — {reason}',
      'refused.no_token': 'This link has no token: open the viewer link that Roundtable shows (it ends in ?token=…).',
      'refused.invalid_token': 'The viewer link’s token is not valid: ask for a new link.',
      'refused.origin': 'The server does not accept viewers from this page’s address.',
      'refused.timeout': 'The token was not sent in time.',
      'refused.unknown': 'The server refused this viewer.',
      'refused.with_reason': 'The server refused this viewer ({reason}).',
      'refused.protocol': 'This server speaks viewer protocol version {server}; this page understands version {page}. Reload the page to get the matching viewer.',
      'closed.server_stopped': 'The host stopped its server.',
      'closed.busy': 'The host is busy (viewer limit or too many attempts).',
      'closed.behind': 'This viewer fell too far behind.',
      'closed.not_answering': 'The connection stopped answering.',
      'closed.lost': 'The connection was lost.',
      'closed.unreachable': 'The server cannot be reached.',
      'closed.closed': 'The connection was closed.',
      'closed.with_reason': 'The connection was closed ({reason}).',
      'closed.silent': 'No news from the server for a while.',
      'closed.missed': 'Missed events {from}–{to}: fetching a fresh snapshot.',
      'error.read_only': 'Viewers are read-only: nothing sent here changes the table.',

      'phase.starting': 'Starting',
      'phase.running': 'Live',
      'phase.paused': 'Paused',
      'phase.finished': 'Finished',
      'phase.failed': 'Failed',
      'phase.interrupted': 'Interrupted',
      'round.n': 'Round {round}',
      'round.of': 'Round {round} of {max}',
      'round.not_started': 'Not started',
      'round.closing': 'Closing',
      'roundphase.answers': 'answers',
      'roundphase.revision': 'revision',
      'roundphase.ranking': 'ranking',
      'roundphase.arguments': 'arguments',
      'roundphase.discussion': 'discussion',
      'roundphase.samples': 'samples',
      'roundphase.synthesis': 'closing synthesis',
      'format.simultaneous': 'simultaneous format',
      'format.round-robin': 'round-robin format',
      'format.adversarial': 'adversarial format',
      'format.council': 'council format',
      'format.vote': 'vote format',
      'debate.format_other': '{format} format',
      'debate.untitled': 'Untitled debate',
      'debate.doc_title': '{question} · Roundtable',
      'debate.doc_fallback': 'Debate',
      'debate.threshold': 'needs {percent} to agree',
      'banner.paused': 'Paused — {reason}',
      'banner.interrupted': 'Interrupted — the host can resume this debate later.',
      'pause.user': 'the host paused the debate.',
      'pause.unreachable': 'fewer than two agents can speak because Ollama cannot be reached.',
      'pause.no_speakers': 'fewer than two agents can speak: the models they need are not installed on a reachable host.',

      'result.title': 'Result',
      'result.failed_title': 'The debate failed',
      'result.no_answer': 'No answer',
      'result.no_clear_answer': 'No clear answer',
      'result.agreement': '{percent} agreement',
      'result.ended': { one: 'Ended after {count} round.', other: 'Ended after {count} rounds.' },
      'result.winner': 'Winner: {winner}.',
      'result.synthesis': 'Synthesis',
      'result.synthesis_by': 'by {agent}',
      'result.dissent': 'Dissent',
      'stop.unanimous': 'All agents agreed.',
      'stop.threshold': 'The consensus threshold was reached.',
      'stop.stalled': 'No agent changed position.',
      'stop.judge_decided': 'The judge or chair decided.',
      'stop.max_rounds': 'The maximum number of rounds was reached.',
      'stop.budget': 'The token or time budget ran out.',
      'stop.user_stop': 'Stopped by the host.',
      'stop.error': 'An error ended the debate.',

      'consensus.title': 'Consensus',
      'consensus.needs': 'needs {percent}',
      'consensus.measured_after': 'Measured after each round.',
      'consensus.agreed': 'Agreed: {answer}',
      'consensus.leading': 'Leading: {answer}',
      'consensus.unanimous': 'unanimous',
      'consensus.tie': 'tie',
      'chart.caption': 'Score per round',
      'chart.threshold': 'threshold {percent}',
      'chart.point': 'Round {round}: {percent}',
      'chart.no_rounds': 'no round measured yet',
      'chart.label': 'Consensus per round — {points}; threshold {percent}.',

      'table.title': 'At the table',
      'seat.name': 'Seat {seat}',
      'seat.repairing': 'Repairing…',
      'seat.speaking': 'Speaking…',
      'seat.failed': 'Failed',
      'seat.done': 'Done',
      'seat.waiting': 'Waiting',
      'seat.second_attempt': 'second attempt',
      'seat.synthesizer_waits': 'Speaks when the rounds are over.',
      'seat.waits': 'Waiting for its turn.',
      'seat.stance': 'Stance',
      'seat.no_answer': 'no answer',
      'seat.changed': 'changed position',
      'seat.confident': '{percent} confident',
      'role.proponent': 'proponent',
      'role.opponent': 'opponent',
      'role.judge': 'judge',
      'role.chair': 'chair',
      'role.synthesizer': 'synthesiser',
      'role.ethicist': 'ethicist',
      'role.expert': 'expert',
      'role.moderator': 'moderator',
      'role.pragmatist': 'pragmatist',
      'role.skeptic': 'skeptic',
      'role.custom': 'custom role',
      'kind.synthesis': 'Synthesis',
      'kind.verdict': 'Verdict',
      'kind.ranking': 'Ranking',
      'kind.repair': 'Repair',
      'kind.interjection': 'Interjection',
      'turnstatus.partial': 'partial',
      'turnstatus.interrupted': 'interrupted',
      'turnstatus.failed': 'failed',
      'note.interjection': 'Moderator',
      'note.skipped': 'Skipped',
      'note.fallback': 'Fallback model',
      'note.host_moved': 'Host moved',
      'note.warning': 'Warning',
      'note.info': 'Note',
      'transcript.title': 'Transcript',
      'transcript.empty': 'Finished turns appear here.',

      'chat.shared': 'Shared chat',
      'chat.chip': 'Chat',
      'chat.replying': 'Replying',
      'chat.messages': { one: '{count} message', other: '{count} messages' },
      'chat.user': 'User',
      'chat.assistant': 'Assistant',

      'server.healthy': 'Server healthy',
      'server.degraded': 'Server degraded',
      'server.unhealthy': 'Server unhealthy',
      'footer.server_unknown': 'Server status unknown',
      'footer.server_other': 'Server {status}',
      'footer.tps': '{rate} tokens/s',
      'footer.viewers': { one: '{count} viewer', other: '{count} viewers' },
      'punct.colon': ': ',
      'punct.list': '; ',
    },

    de: {
      'page.title': 'Roundtable · Live-Ansicht',
      'brand.sub': 'Live-Ansicht · schreibgeschützt',
      'nav.label': 'Live-Sitzungen',
      'nav.debates': 'Debatten',
      'nav.chats': 'Geteilte Chats',
      'nav.no_debates': 'Noch keine Debatten',
      'nav.no_chats': 'Keine geteilten Chats',
      'empty.label': 'Nichts ausgewählt',
      'empty.title': 'Noch nichts zu sehen',
      'empty.text': 'Debatten und geteilte Chats erscheinen hier, sobald sie auf dem Host beginnen.',
      'empty.refused_title': 'Keine Verbindung möglich',

      'status.connecting': 'Verbindung wird hergestellt…',
      'status.reconnecting': 'Verbindung wird wiederhergestellt…',
      'status.connected': 'Verbunden',
      'status.connected_to': 'Verbunden mit {server}',
      'status.retry_in': 'Neuer Verbindungsversuch in {seconds}\u00a0s – {reason}',
      'refused.no_token': 'Diesem Link fehlt das Token. Den Zuschauerlink öffnen, den Roundtable anzeigt (er endet auf ?token=…).',
      'refused.invalid_token': 'Das Token im Zuschauerlink ist ungültig. Bitte einen neuen Link anfordern.',
      'refused.origin': 'Der Server lässt keine Zuschauer von der Adresse dieser Seite zu.',
      'refused.timeout': 'Das Token wurde nicht rechtzeitig gesendet.',
      'refused.unknown': 'Der Server hat diese Verbindung abgelehnt.',
      'refused.with_reason': 'Der Server hat diese Verbindung abgelehnt ({reason}).',
      'refused.protocol': 'Dieser Server verwendet Version {server} des Zuschauerprotokolls, diese Seite versteht Version {page}. Die Seite neu laden, um die passende Ansicht zu erhalten.',
      'closed.server_stopped': 'Der Host hat seinen Server beendet.',
      'closed.busy': 'Der Host ist ausgelastet (Zuschauerlimit oder zu viele Versuche).',
      'closed.behind': 'Diese Ansicht ist zu weit zurückgefallen.',
      'closed.not_answering': 'Die Verbindung antwortet nicht mehr.',
      'closed.lost': 'Die Verbindung wurde unterbrochen.',
      'closed.unreachable': 'Der Server ist nicht erreichbar.',
      'closed.closed': 'Die Verbindung wurde geschlossen.',
      'closed.with_reason': 'Die Verbindung wurde geschlossen ({reason}).',
      'closed.silent': 'Vom Server kommt seit einer Weile nichts mehr.',
      'closed.missed': 'Ereignisse {from}–{to} verpasst: Der aktuelle Stand wird neu geladen.',
      'error.read_only': 'Zuschauer können nur zusehen: Was hier gesendet wird, ändert nichts an der Runde.',

      'phase.starting': 'Startet',
      'phase.running': 'Live',
      'phase.paused': 'Pausiert',
      'phase.finished': 'Beendet',
      'phase.failed': 'Fehlgeschlagen',
      'phase.interrupted': 'Unterbrochen',
      'round.n': 'Runde {round}',
      'round.of': 'Runde {round} von {max}',
      'round.not_started': 'Nicht gestartet',
      'round.closing': 'Abschluss',
      'roundphase.answers': 'Antworten',
      'roundphase.revision': 'Überarbeitung',
      'roundphase.ranking': 'Rangfolge',
      'roundphase.arguments': 'Argumente',
      'roundphase.discussion': 'Diskussion',
      'roundphase.samples': 'Stichproben',
      'roundphase.synthesis': 'Abschlusssynthese',
      'format.simultaneous': 'Format: Simultan',
      'format.round-robin': 'Format: Reihum',
      'format.adversarial': 'Format: Streitgespräch',
      'format.council': 'Format: Rat',
      'format.vote': 'Format: Abstimmung',
      'debate.format_other': 'Format: {format}',
      'debate.untitled': 'Debatte ohne Titel',
      'debate.doc_title': '{question} · Roundtable',
      'debate.doc_fallback': 'Debatte',
      'debate.threshold': 'Konsens ab {percent}',
      'banner.paused': 'Pausiert – {reason}',
      'banner.interrupted': 'Unterbrochen – der Host kann diese Debatte später fortsetzen.',
      'pause.user': 'der Host hat die Debatte angehalten.',
      'pause.unreachable': 'weniger als zwei Agenten können sprechen, weil Ollama nicht erreichbar ist.',
      'pause.no_speakers': 'weniger als zwei Agenten können sprechen, weil die benötigten Modelle auf keinem erreichbaren Host installiert sind.',

      'result.title': 'Ergebnis',
      'result.failed_title': 'Die Debatte ist fehlgeschlagen',
      'result.no_answer': 'Keine Antwort',
      'result.no_clear_answer': 'Keine eindeutige Antwort',
      'result.agreement': '{percent} Zustimmung',
      'result.ended': { one: 'Nach {count} Runde beendet.', other: 'Nach {count} Runden beendet.' },
      'result.winner': 'Gewonnen hat {winner}.',
      'result.synthesis': 'Synthese',
      'result.synthesis_by': 'von {agent}',
      'result.dissent': 'Abweichende Positionen',
      'stop.unanimous': 'Alle Agenten waren sich einig.',
      'stop.threshold': 'Die Konsensschwelle wurde erreicht.',
      'stop.stalled': 'Kein Agent hat seine Position geändert.',
      'stop.judge_decided': 'Richter oder Vorsitz hat entschieden.',
      'stop.max_rounds': 'Die maximale Rundenzahl wurde erreicht.',
      'stop.budget': 'Das Token- oder Zeitbudget war aufgebraucht.',
      'stop.user_stop': 'Vom Host beendet.',
      'stop.error': 'Ein Fehler hat die Debatte beendet.',

      'consensus.title': 'Konsens',
      'consensus.needs': 'erforderlich: {percent}',
      'consensus.measured_after': 'Wird nach jeder Runde gemessen.',
      'consensus.agreed': 'Einig: {answer}',
      'consensus.leading': 'Vorn: {answer}',
      'consensus.unanimous': 'einstimmig',
      'consensus.tie': 'Gleichstand',
      'chart.caption': 'Zustimmung pro Runde',
      'chart.threshold': 'Schwelle {percent}',
      'chart.point': 'Runde {round}: {percent}',
      'chart.no_rounds': 'noch keine Runde gemessen',
      'chart.label': 'Konsens pro Runde – {points}; Schwelle {percent}.',

      'table.title': 'Am Tisch',
      'seat.name': 'Platz {seat}',
      'seat.repairing': 'Wird korrigiert…',
      'seat.speaking': 'Spricht…',
      'seat.failed': 'Fehlgeschlagen',
      'seat.done': 'Fertig',
      'seat.waiting': 'Wartet',
      'seat.second_attempt': 'zweiter Versuch',
      'seat.synthesizer_waits': 'Spricht, wenn die Runden vorbei sind.',
      'seat.waits': 'Noch nicht an der Reihe.',
      'seat.stance': 'Position',
      'seat.no_answer': 'keine Antwort',
      'seat.changed': 'Position geändert',
      'seat.confident': '{percent} sicher',
      'role.proponent': 'Befürworter',
      'role.opponent': 'Gegner',
      'role.judge': 'Richter',
      'role.chair': 'Vorsitz',
      'role.synthesizer': 'Synthese',
      'role.ethicist': 'Ethiker',
      'role.expert': 'Experte',
      'role.moderator': 'Moderation',
      'role.pragmatist': 'Pragmatiker',
      'role.skeptic': 'Skeptiker',
      'role.custom': 'eigene Rolle',
      'kind.synthesis': 'Synthese',
      'kind.verdict': 'Urteil',
      'kind.ranking': 'Rangfolge',
      'kind.repair': 'Korrektur',
      'kind.interjection': 'Einwurf',
      'turnstatus.partial': 'unvollständig',
      'turnstatus.interrupted': 'unterbrochen',
      'turnstatus.failed': 'fehlgeschlagen',
      'note.interjection': 'Moderation',
      'note.skipped': 'Übersprungen',
      'note.fallback': 'Ersatzmodell',
      'note.host_moved': 'Host gewechselt',
      'note.warning': 'Warnung',
      'note.info': 'Hinweis',
      'transcript.title': 'Protokoll',
      'transcript.empty': 'Abgeschlossene Beiträge erscheinen hier.',

      'chat.shared': 'Geteilter Chat',
      'chat.chip': 'Chat',
      'chat.replying': 'Antwortet',
      'chat.messages': { one: '{count} Nachricht', other: '{count} Nachrichten' },
      'chat.user': 'Nutzer',
      'chat.assistant': 'Assistent',

      'server.healthy': 'Server: betriebsbereit',
      'server.degraded': 'Server: eingeschränkt',
      'server.unhealthy': 'Server: gestört',
      'footer.server_unknown': 'Serverstatus unbekannt',
      'footer.server_other': 'Server: {status}',
      'footer.tps': '{rate} Token/s',
      'footer.viewers': { one: '{count} Zuschauer', other: '{count} Zuschauer' },
      'punct.colon': ': ',
      'punct.list': '; ',
    },

    fr: {
      'page.title': 'Roundtable · vue en direct',
      'brand.sub': 'vue en direct · lecture seule',
      'nav.label': 'Sessions en direct',
      'nav.debates': 'Débats',
      'nav.chats': 'Conversations partagées',
      'nav.no_debates': 'Aucun débat pour l’instant',
      'nav.no_chats': 'Aucune conversation partagée',
      'empty.label': 'Aucune sélection',
      'empty.title': 'Rien à regarder pour l’instant',
      'empty.text': 'Les débats et les conversations partagées apparaissent ici dès qu’ils commencent sur l’hôte.',
      'empty.refused_title': 'Connexion impossible',

      'status.connecting': 'Connexion…',
      'status.reconnecting': 'Reconnexion…',
      'status.connected': 'Connecté',
      'status.connected_to': 'Connecté à {server}',
      'status.retry_in': 'Nouvelle tentative dans {seconds}\u00a0s — {reason}',
      'refused.no_token': 'Ce lien ne contient pas de jeton\u202f: ouvrez le lien spectateur affiché par Roundtable (il se termine par ?token=…).',
      'refused.invalid_token': 'Le jeton de ce lien n’est pas valide\u202f: demandez un nouveau lien.',
      'refused.origin': 'Le serveur n’accepte pas de spectateurs depuis l’adresse de cette page.',
      'refused.timeout': 'Le jeton n’a pas été envoyé à temps.',
      'refused.unknown': 'Le serveur a refusé cette connexion.',
      'refused.with_reason': 'Le serveur a refusé cette connexion ({reason}).',
      'refused.protocol': 'Ce serveur utilise la version {server} du protocole spectateur\u202f; cette page comprend la version {page}. Rechargez la page pour obtenir la vue correspondante.',
      'closed.server_stopped': 'L’hôte a arrêté son serveur.',
      'closed.busy': 'L’hôte est saturé (limite de spectateurs ou trop de tentatives).',
      'closed.behind': 'Cette vue a pris trop de retard.',
      'closed.not_answering': 'La connexion ne répond plus.',
      'closed.lost': 'La connexion a été perdue.',
      'closed.unreachable': 'Le serveur est injoignable.',
      'closed.closed': 'La connexion a été fermée.',
      'closed.with_reason': 'La connexion a été fermée ({reason}).',
      'closed.silent': 'Aucune nouvelle du serveur depuis un moment.',
      'closed.missed': 'Événements {from} à {to} manqués\u202f: rechargement de l’état actuel.',
      'error.read_only': 'Les spectateurs sont en lecture seule\u202f: rien de ce qui est envoyé ici ne modifie la table.',

      'phase.starting': 'Démarrage',
      'phase.running': 'En direct',
      'phase.paused': 'En pause',
      'phase.finished': 'Terminé',
      'phase.failed': 'Échec',
      'phase.interrupted': 'Interrompu',
      'round.n': 'Tour {round}',
      'round.of': 'Tour {round} sur {max}',
      'round.not_started': 'Pas commencé',
      'round.closing': 'Clôture',
      'roundphase.answers': 'réponses',
      'roundphase.revision': 'révision',
      'roundphase.ranking': 'classement',
      'roundphase.arguments': 'arguments',
      'roundphase.discussion': 'discussion',
      'roundphase.samples': 'échantillons',
      'roundphase.synthesis': 'synthèse finale',
      'format.simultaneous': 'format simultané',
      'format.round-robin': 'format tour de table',
      'format.adversarial': 'format contradictoire',
      'format.council': 'format conseil',
      'format.vote': 'format vote',
      'debate.format_other': 'format {format}',
      'debate.untitled': 'Débat sans titre',
      'debate.doc_title': '{question} · Roundtable',
      'debate.doc_fallback': 'Débat',
      'debate.threshold': 'consensus à {percent}',
      'banner.paused': 'En pause — {reason}',
      'banner.interrupted': 'Interrompu — l’hôte pourra reprendre ce débat plus tard.',
      'pause.user': 'l’hôte a mis le débat en pause.',
      'pause.unreachable': 'moins de deux agents peuvent parler, car Ollama est injoignable.',
      'pause.no_speakers': 'moins de deux agents peuvent parler\u202f: leurs modèles ne sont installés sur aucun hôte joignable.',

      'result.title': 'Résultat',
      'result.failed_title': 'Le débat a échoué',
      'result.no_answer': 'Aucune réponse',
      'result.no_clear_answer': 'Pas de réponse claire',
      'result.agreement': '{percent} d’accord',
      'result.ended': { one: 'Terminé après {count} tour.', many: 'Terminé après {count} de tours.', other: 'Terminé après {count} tours.' },
      'result.winner': 'Vainqueur\u202f: {winner}.',
      'result.synthesis': 'Synthèse',
      'result.synthesis_by': 'par {agent}',
      'result.dissent': 'Avis divergents',
      'stop.unanimous': 'Tous les agents étaient d’accord.',
      'stop.threshold': 'Le seuil de consensus a été atteint.',
      'stop.stalled': 'Aucun agent n’a changé d’avis.',
      'stop.judge_decided': 'Le juge ou la présidence a tranché.',
      'stop.max_rounds': 'Le nombre maximal de tours a été atteint.',
      'stop.budget': 'Le budget de jetons ou de temps était épuisé.',
      'stop.user_stop': 'Arrêté par l’hôte.',
      'stop.error': 'Une erreur a mis fin au débat.',

      'consensus.title': 'Consensus',
      'consensus.needs': 'requis\u202f: {percent}',
      'consensus.measured_after': 'Mesuré après chaque tour.',
      'consensus.agreed': 'Accord\u202f: {answer}',
      'consensus.leading': 'En tête\u202f: {answer}',
      'consensus.unanimous': 'unanime',
      'consensus.tie': 'égalité',
      'chart.caption': 'Accord par tour',
      'chart.threshold': 'seuil {percent}',
      'chart.point': 'Tour {round}\u202f: {percent}',
      'chart.no_rounds': 'aucun tour mesuré pour l’instant',
      'chart.label': 'Consensus par tour — {points}\u202f; seuil {percent}.',

      'table.title': 'Autour de la table',
      'seat.name': 'Siège {seat}',
      'seat.repairing': 'Correction…',
      'seat.speaking': 'Prend la parole…',
      'seat.failed': 'Échec',
      'seat.done': 'Terminé',
      'seat.waiting': 'En attente',
      'seat.second_attempt': 'deuxième tentative',
      'seat.synthesizer_waits': 'Prend la parole une fois les tours terminés.',
      'seat.waits': 'Attend son tour.',
      'seat.stance': 'Position',
      'seat.no_answer': 'pas de réponse',
      'seat.changed': 'a changé d’avis',
      'seat.confident': '{percent} de confiance',
      'role.proponent': 'défenseur',
      'role.opponent': 'opposant',
      'role.judge': 'juge',
      'role.chair': 'présidence',
      'role.synthesizer': 'synthèse',
      'role.ethicist': 'éthicien',
      'role.expert': 'expert',
      'role.moderator': 'modération',
      'role.pragmatist': 'pragmatique',
      'role.skeptic': 'sceptique',
      'role.custom': 'rôle personnalisé',
      'kind.synthesis': 'Synthèse',
      'kind.verdict': 'Verdict',
      'kind.ranking': 'Classement',
      'kind.repair': 'Correction',
      'kind.interjection': 'Intervention',
      'turnstatus.partial': 'partiel',
      'turnstatus.interrupted': 'interrompu',
      'turnstatus.failed': 'échec',
      'note.interjection': 'Modération',
      'note.skipped': 'Ignoré',
      'note.fallback': 'Modèle de secours',
      'note.host_moved': 'Hôte changé',
      'note.warning': 'Avertissement',
      'note.info': 'Note',
      'transcript.title': 'Transcription',
      'transcript.empty': 'Les prises de parole terminées apparaissent ici.',

      'chat.shared': 'Conversation partagée',
      'chat.chip': 'Conversation',
      'chat.replying': 'Réponse en cours',
      'chat.messages': { one: '{count} message', many: '{count} de messages', other: '{count} messages' },
      'chat.user': 'Utilisateur',
      'chat.assistant': 'Assistant',

      'server.healthy': 'Serveur opérationnel',
      'server.degraded': 'Serveur dégradé',
      'server.unhealthy': 'Serveur en panne',
      'footer.server_unknown': 'État du serveur inconnu',
      'footer.server_other': 'Serveur\u202f: {status}',
      'footer.tps': '{rate}\u00a0jetons/s',
      'footer.viewers': { one: '{count} spectateur', many: '{count} de spectateurs', other: '{count} spectateurs' },
      'punct.colon': '\u202f: ',
      'punct.list': '\u202f; ',
    },
  };
  /* i18n-catalogue-end */

  const base = (tag) => String(tag || '').trim().toLowerCase().split(/[-_]/)[0];
  const validLocale = (tag) => {
    try { return Intl.getCanonicalLocales(String(tag).replace(/_/g, '-'))[0] || null; } catch { return null; }
  };

  // ?lang= wins, then the browser's languages in their order, then English. The
  // locale for Intl keeps the region the user gave ("de-CH", "fr-CA") when it names
  // a language of the catalogue.
  function pickLanguage(search, languages) {
    const candidates = [new URLSearchParams(search || '').get('lang'), ...(languages || [])];
    for (const tag of candidates) {
      const lang = base(tag);
      if (LANGUAGES.includes(lang)) return { lang, locale: validLocale(tag) || lang };
    }
    return { lang: 'en', locale: 'en' };
  }

  function translator(lang, locale = lang) {
    const table = MESSAGES[lang] || MESSAGES.en;
    const plurals = new Intl.PluralRules(locale);
    const number = new Intl.NumberFormat(locale);
    const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
    const decimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const time = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
    const list = new Intl.ListFormat(locale, { type: 'conjunction' });
    const has = (key) => Object.prototype.hasOwnProperty.call(MESSAGES.en, key);

    // The text of `key` with its placeholders filled in; plural texts pick their form by params.count.
    function t(key, params = {}) {
      let text = has(key) ? (table[key] ?? MESSAGES.en[key]) : key;
      if (text && typeof text === 'object') text = text[plurals.select(Number(params.count) || 0)] ?? text.other;
      return String(text).replace(/\{(\w+)\}/g, (whole, name) => {
        if (!Object.prototype.hasOwnProperty.call(params, name)) return whole;
        const value = params[name];
        return typeof value === 'number' ? number.format(value) : String(value ?? '');
      });
    }
    // The text for a word the server sends ("running", "skeptic"), or null when the catalogue does not know it.
    const known = (prefix, word, params) => (word && has(`${prefix}.${word}`) ? t(`${prefix}.${word}`, params) : null);
    const clamp01 = (x) => Math.max(0, Math.min(1, Number(x) || 0));
    return {
      lang, locale, t, known,
      // Whole percent, rounded as Math.round does (0.845 -> 84 %, as the other pages show it).
      pct: (x) => percent.format(Math.round(clamp01(x) * 100) / 100),
      decimal: (x) => decimal.format(Number(x) || 0),
      list: (items) => list.format(items.map(String)),
      time: (iso) => {
        const date = new Date(iso || '');
        return Number.isNaN(date.getTime()) ? '' : time.format(date);
      },
    };
  }

  return { LANGUAGES, MESSAGES, pickLanguage, translator };
})();

(() => {
  if (typeof document === 'undefined') return; // loaded by the catalogue check in node
  const PROTOCOL = 1;
  const BACKOFF_MIN_MS = 500;
  const BACKOFF_MAX_MS = 10000;
  const SILENCE_MS = 45000; // metrics arrive every 2 s: this long without a frame means a dead link
  const PALETTE = ['#2563eb', '#d9462b', '#059669', '#9333ea', '#d97706', '#0891b2', '#db2777', '#65a30d', '#4b5563'];

  // ---- language: every word below comes from the catalogue ------------------------------
  const chosen = RtI18n.pickLanguage(location.search, navigator.languages || [navigator.language]);
  const i18n = RtI18n.translator(chosen.lang, chosen.locale);
  const { t, known } = i18n;
  const pct = i18n.pct; // for people: "85 %" in German and French
  const phaseName = (phase) => known('phase', phase) || phase;
  const seatName = (name, seat) => name || t('seat.name', { seat });

  function translatePage() {
    document.documentElement.lang = i18n.lang;
    for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
    for (const attr of ['aria-label', 'title'])
      for (const node of document.querySelectorAll(`[data-i18n-${attr}]`)) node.setAttribute(attr, t(node.getAttribute(`data-i18n-${attr}`)));
  }

  // ---- model: the snapshot's own shape, kept current by the events ----------------------
  const state = {
    connection: 'connecting', // connected | connecting | reconnecting | refused
    reason: '',               // why the last connection ended, in words
    server: '',
    viewer: null,
    debates: [],              // {debate, phase, round, turns, live, consensus, notes, pause, outcome}
    chats: [],                // {conversation_id, title, model, messages, live}
    metrics: null,
    selected: null,           // {kind: 'debate' | 'chat', id}
  };
  let lastSeq = 0;
  let connects = 0; // successful hellos
  window.rtViewer = { state, get lastSeq() { return lastSeq; }, get connects() { return connects; },
    i18n: { lang: i18n.lang, locale: i18n.locale, messages: RtI18n.MESSAGES } };

  // ---- small helpers --------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  };
  const box = (tag, className, ...children) => { const node = el(tag, className); node.append(...children); return node; };
  const setText = (node, text) => {
    const value = text == null ? '' : String(text);
    if (node.textContent !== value) node.textContent = value;
  };
  const clamp01 = (x) => Math.max(0, Math.min(1, Number(x) || 0));
  const cssPct = (x) => `${Math.round(clamp01(x) * 100)}%`; // for style widths, never shown
  // Seat colours come from the server: only plain hex colours reach a style.
  const colourOf = (c, i) => (/^#[0-9a-f]{3,8}$/i.test(c || '') ? c : PALETTE[Math.abs(i | 0) % PALETTE.length]);
  const debateOf = (id) => state.debates.find((d) => d.debate.debate_id === id);
  const chatOf = (id) => state.chats.find((c) => c.conversation_id === id);
  const patch = (id, fields) => { const d = debateOf(id); if (d) Object.assign(d, fields); };
  const findLast = (list, pred) => { for (let i = list.length - 1; i >= 0; i--) if (pred(list[i])) return list[i]; return undefined; };
  const nearBottom = (node) => node.scrollHeight - node.scrollTop - node.clientHeight < 32;

  const normDebate = (d) => ({
    debate: d.debate || {}, phase: d.phase || 'running', round: d.round || null,
    turns: [...(d.turns || [])].sort((a, b) => a.index - b.index),
    live: (d.live || []).map((l) => ({ turn: l.turn || {}, text: l.text || '', attempt: l.attempt || 1 })),
    consensus: [...(d.consensus || [])].sort((a, b) => a.round - b.round),
    notes: [...(d.notes || [])], pause: d.pause || null, outcome: d.outcome || null,
  });
  const normLive = (l, model) => (typeof l === 'string' ? { model, text: l } : l ? { model: l.model || model, text: l.text || '' } : null);
  const normChat = (c) => ({ ...c, messages: [...(c.messages || [])], live: normLive(c.live, c.model) });

  // ---- events: one handler per type; unknown types are skipped (but still counted) ------
  const handlers = {
    debate_started(f) {
      const info = f.debate || {};
      const d = debateOf(info.debate_id);
      if (d) Object.assign(d, { debate: info, phase: 'running', pause: null, outcome: null, live: [] }); // resumed
      else state.debates.push(normDebate({ debate: info, phase: 'running' }));
    },
    round_started(f) { patch(f.round?.debate_id, { round: f.round }); },
    turn_started(f) {
      const turn = f.turn || {};
      const d = debateOf(turn.debate_id);
      if (!d) return;
      d.live = d.live.filter((l) => l.turn.index !== turn.index && l.turn.seat !== turn.seat);
      d.live.push({ turn, text: '', attempt: 1 });
      if (d.phase === 'starting') d.phase = 'running';
    },
    tokens(f) {
      for (const x of f.deltas || []) {
        const d = debateOf(x.debate_id);
        if (!d || d.turns.some((turn) => turn.index === x.index)) continue; // a late batch for a stored turn
        let live = d.live.find((l) => l.turn.index === x.index);
        if (!live) d.live.push((live = { turn: { debate_id: x.debate_id, index: x.index, seat: x.seat }, text: '', attempt: 1 }));
        const attempt = x.attempt || 1;
        if (attempt > live.attempt) Object.assign(live, { attempt, text: '' }); // a repair replaces attempt 1
        if (attempt === live.attempt) live.text += x.text || '';
      }
      for (const x of f.chats || []) {
        const c = chatOf(x.conversation_id);
        if (c) (c.live = c.live || { model: c.model, text: '' }).text += x.text || '';
      }
    },
    turn_finished(f) {
      const turn = f.turn || {};
      const d = debateOf(turn.debate_id);
      if (!d) return;
      d.live = d.live.filter((l) => l.turn.index !== turn.index);
      const i = d.turns.findIndex((x) => x.index === turn.index);
      if (i >= 0) d.turns[i] = turn; // never twice the same turn
      else d.turns.push(turn), d.turns.sort((a, b) => a.index - b.index);
    },
    consensus(f) {
      const c = f.consensus || {};
      const d = debateOf(c.debate_id);
      if (d) d.consensus = d.consensus.filter((x) => x.round !== c.round).concat(c).sort((a, b) => a.round - b.round);
    },
    note(f) { debateOf(f.note?.debate_id)?.notes.push(f.note); },
    paused(f) { patch(f.pause?.debate_id, { pause: f.pause, phase: 'paused' }); },
    resumed(f) { patch(f.debate_id, { pause: null, phase: 'running' }); },
    finished(f) {
      const o = f.outcome || {};
      patch(o.debate_id, { outcome: o, phase: o.status === 'failed' ? 'failed' : 'finished', live: [], pause: null });
    },
    interrupted(f) { patch(f.debate_id, { phase: 'interrupted', live: [], pause: null }); },
    chat_shared(f) {
      state.chats = state.chats.filter((c) => c.conversation_id !== f.chat?.conversation_id).concat(normChat(f.chat || {}));
    },
    chat_message(f) {
      const c = chatOf(f.conversation_id);
      if (!c) return;
      c.messages.push(f.message || {});
      if (f.message?.role === 'assistant') c.live = null; // the finished reply replaces the stream
    },
    chat_reply_started(f) {
      const c = chatOf(f.conversation_id);
      if (c) c.live = { model: f.model || c.model, text: '' };
    },
    chat_unshared(f) { state.chats = state.chats.filter((c) => c.conversation_id !== f.conversation_id); },
    metrics(f) { state.metrics = f.metrics || null; },
  };

  function applySnapshot(f) {
    // Rebuilt from scratch: nothing of the old state survives but the selection.
    state.debates = (f.debates || []).map(normDebate);
    state.chats = (f.chats || []).map(normChat);
    state.metrics = f.metrics || state.metrics;
    shownId = null; // the same id may be another debate now (the server restarted): lay out afresh
  }

  // ---- connection -------------------------------------------------------------------------
  const token = new URLSearchParams(location.search).get('token');
  let ws = null;
  let retries = 0; // failed attempts since the last hello: the backoff exponent
  let retryTimer = 0, countdownTimer = 0, silenceTimer = 0;
  let gotSnapshot = false, watchSilence = false;

  function clearTimers() {
    clearTimeout(retryTimer);
    clearInterval(countdownTimer);
    clearTimeout(silenceTimer);
    retryTimer = countdownTimer = silenceTimer = 0;
  }

  function setStatus(name, text) {
    state.connection = name;
    $('status').dataset.state = name;
    document.body.dataset.conn = name;
    setText($('status-text'), text);
    $('status').title = text; // the line may be cut short
  }

  function connect() {
    clearTimers();
    if (!token) return refuse(t('refused.no_token'));
    setStatus(retries ? 'reconnecting' : 'connecting', t(retries ? 'status.reconnecting' : 'status.connecting'));
    const sock = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`);
    ws = sock;
    gotSnapshot = false;
    sock.onmessage = (ev) => { if (sock === ws && typeof ev.data === 'string') onFrame(ev.data); };
    sock.onclose = (ev) => { if (sock === ws) onClose(ev.code, ev.reason || ''); }; // onerror is always followed by onclose
  }

  // Drops the current socket without letting its close event schedule anything.
  function drop(reason) {
    const old = ws;
    ws = null;
    clearTimers();
    if (old && old.readyState <= WebSocket.OPEN) old.close(1000, reason);
  }

  const refuse = (text) => { clearTimers(); state.reason = text; setStatus('refused', text); scheduleRender(); };

  function onClose(code, reason) {
    ws = null;
    if (code === 1008) return refuse(refusalText(reason)); // a token or policy refusal does not heal by retrying
    scheduleRetry(closeText(code, reason));
  }

  function refusalText(reason) {
    const r = reason.toLowerCase();
    // The server's close reasons (docs/remote-protocol.md) are matched here, never shown.
    if (r.includes('invalid token') || (r.includes('token') && !r.includes('time'))) return t('refused.invalid_token'); // i18n-ignore
    if (r.includes('origin')) return t('refused.origin');
    if (r.includes('time')) return t('refused.timeout');
    return reason ? t('refused.with_reason', { reason }) : t('refused.unknown'); // the server's own words
  }

  function closeText(code, reason) {
    switch (code) {
      case 1001: return t('closed.server_stopped');
      case 1013: return t('closed.busy');
      case 4000: return t('closed.behind');
      case 4001: return t('closed.not_answering');
      case 1006: return t(connects ? 'closed.lost' : 'closed.unreachable');
      default: return reason ? t('closed.with_reason', { reason }) : t('closed.closed');
    }
  }

  // Exponential backoff: 0.5 s doubling to 10 s, a little jitter; reset by a hello.
  function scheduleRetry(reason) {
    clearTimers();
    state.reason = reason;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** retries);
    const delay = Math.round(base * (0.9 + Math.random() * 0.1));
    const at = Date.now() + delay;
    retries += 1;
    const tick = () => setStatus('reconnecting', t('status.retry_in', { seconds: Math.max(1, Math.ceil((at - Date.now()) / 1000)), reason }));
    tick();
    countdownTimer = setInterval(tick, 250);
    retryTimer = setTimeout(connect, delay);
  }

  function armSilence() {
    clearTimeout(silenceTimer);
    if (watchSilence) silenceTimer = setTimeout(() => { drop('silent'); scheduleRetry(t('closed.silent')); }, SILENCE_MS);
  }

  function onFrame(raw) {
    let f;
    try { f = JSON.parse(raw); } catch { return; }
    if (!f || typeof f !== 'object') return;
    armSilence();
    const major = (x) => Math.trunc(Number(x));
    if (major(f.v) !== PROTOCOL || (f.type === 'hello' && f.protocol != null && major(f.protocol) !== PROTOCOL)) {
      drop('protocol-version');
      return refuse(t('refused.protocol', { server: String(f.type === 'hello' && f.protocol != null ? f.protocol : f.v), page: PROTOCOL }));
    }
    const seq = Number(f.seq);
    switch (f.type) {
      case 'hello':
        connects += 1;
        retries = 0; // the backoff starts over
        lastSeq = seq || 0;
        Object.assign(state, { server: f.server || '', viewer: f.viewer ?? null });
        watchSilence = (f.capabilities || []).includes('metrics');
        armSilence();
        return setStatus('connected', state.server ? t('status.connected_to', { server: state.server }) : t('status.connected'));
      case 'snapshot':
        applySnapshot(f);
        lastSeq = seq || 0;
        gotSnapshot = true;
        return render();
      case 'error':
        return setText($('notice'), known('error', f.code) || f.message || f.code || '');
    }
    if (!gotSnapshot || !Number.isFinite(seq) || seq <= lastSeq) return; // already in the snapshot
    if (seq !== lastSeq + 1) { // missed something: start over from a fresh snapshot
      drop('missed-events');
      return scheduleRetry(t('closed.missed', { from: lastSeq + 1, to: seq - 1 }));
    }
    lastSeq = seq;
    if (handlers[f.type]) handlers[f.type](f), scheduleRender();
  }

  window.addEventListener('online', () => { if (retryTimer) connect(); });

  // ---- rendering: cheap, keyed, at most once per frame --------------------------------------
  let renderPending = false, raf = 0, fallback = 0;
  let userPicked = false, sidebarSig = '';
  let shownId = null;          // 'debate:1' or 'chat:3' currently laid out in the main area
  const seatCards = new Map(); // seat number -> card elements of the shown debate
  const sigs = {};             // last rendered signature per section

  function scheduleRender() {
    if (renderPending) return;
    renderPending = true;
    raf = requestAnimationFrame(render);
    fallback = setTimeout(render, 250); // background tabs get no animation frames
  }

  function render() {
    cancelAnimationFrame(raf);
    clearTimeout(fallback);
    renderPending = false;
    pickSelection();
    renderSidebar();
    renderMain();
    renderFooter();
  }

  // Follows the newest running debate until the viewer picks something themselves.
  function pickSelection() {
    const sel = state.selected;
    const exists = sel && (sel.kind === 'debate' ? debateOf(sel.id) : chatOf(sel.id));
    if (exists && userPicked) return;
    const running = findLast(state.debates, (d) => !d.outcome && d.phase !== 'interrupted');
    const pick = running || (exists ? null : state.debates[state.debates.length - 1]);
    if (pick) state.selected = { kind: 'debate', id: pick.debate.debate_id };
    else if (!exists) state.selected = state.chats[0] ? { kind: 'chat', id: state.chats[0].conversation_id } : null;
  }

  function sideItem(kind, id, title, chip, phase, sub) {
    const li = el('li');
    const button = el('button', 'side-item');
    button.type = 'button';
    if (state.selected?.kind === kind && state.selected.id === id) button.setAttribute('aria-current', 'true');
    const tag = el('span', 'chip', chip);
    tag.dataset.phase = phase;
    button.append(el('span', 'side-title-text', title), box('span', 'side-meta', tag, el('span', 'muted', sub)));
    button.addEventListener('click', () => { state.selected = { kind, id }; userPicked = true; render(); $('main').scrollTop = 0; });
    li.append(button);
    return li;
  }

  function renderSidebar() {
    const sig = JSON.stringify([state.selected, state.debates.map((d) => [d.debate.debate_id, d.debate.question, d.phase, roundText(d)]),
      state.chats.map((c) => [c.conversation_id, c.title, c.messages.length, !!c.live])]);
    if (sig === sidebarSig) return;
    sidebarSig = sig;
    const debates = [...state.debates].reverse().map((d) =>
      sideItem('debate', d.debate.debate_id, d.debate.question || t('debate.untitled'), phaseName(d.phase), d.phase, roundText(d)));
    const chats = state.chats.map((c) =>
      sideItem('chat', c.conversation_id, c.title || t('chat.shared'), t(c.live ? 'chat.replying' : 'chat.chip'), c.live ? 'running' : 'chat',
        t('chat.messages', { count: c.messages.length })));
    $('debate-list').replaceChildren(...(debates.length ? debates : [el('li', 'side-empty', t('nav.no_debates'))]));
    $('chat-list').replaceChildren(...(chats.length ? chats : [el('li', 'side-empty', t('nav.no_chats'))]));
  }

  function renderMain() {
    const sel = state.selected;
    const d = sel?.kind === 'debate' ? debateOf(sel.id) : null;
    const c = sel?.kind === 'chat' ? chatOf(sel.id) : null;
    const id = d ? `debate:${sel.id}` : c ? `chat:${sel.id}` : null;
    if (id !== shownId) { // a different thing: lay it out from scratch
      shownId = id;
      seatCards.clear();
      for (const k of Object.keys(sigs)) delete sigs[k];
      for (const list of ['seats', 'transcript', 'chat-messages']) $(list).replaceChildren();
    }
    $('debate-view').hidden = !d;
    $('chat-view').hidden = !c;
    $('empty-view').hidden = !!(d || c);
    const refused = state.connection === 'refused';
    setText($('empty-title'), t(refused ? 'empty.refused_title' : 'empty.title'));
    setText($('empty-text'), refused ? state.reason : t('empty.text'));
    if (d) renderDebate(d);
    if (c) renderChat(c);
  }

  function roundText(d) {
    const measured = d.consensus.reduce((m, c) => Math.max(m, c.round || 0), 0);
    const closing = !d.round || d.outcome || d.round.phase === 'synthesis';
    const n = closing ? Math.max(measured, d.outcome?.rounds || 0) : d.round.round;
    const max = Math.max(Number(d.round?.max_rounds || d.debate.max_rounds) || 0, n);
    return n ? t('round.of', { round: n, max }) : t('round.not_started');
  }

  function turnLabel(turn) {
    const base = !turn.kind || turn.kind === 'turn' ? t('round.n', { round: turn.round }) : known('kind', turn.kind) || turn.kind;
    return turn.status && turn.status !== 'complete' ? `${base} · ${known('turnstatus', turn.status) || turn.status}` : base;
  }

  function renderDebate(d) {
    const info = d.debate;
    setText($('debate-question'), info.question || t('debate.untitled'));
    document.title = t('debate.doc_title', { question: info.question || t('debate.doc_fallback') });
    setText($('phase'), phaseName(d.phase));
    $('phase').dataset.phase = d.phase;
    setText($('round'), roundText(d));
    const rp = d.round && !d.outcome ? d.round.phase : '';
    setText($('round-phase'), rp ? known('roundphase', rp) || rp : '');
    setText($('debate-format'), [info.format && (known('format', info.format) || t('debate.format_other', { format: info.format })),
      info.threshold && t('debate.threshold', { percent: pct(info.threshold) })].filter(Boolean).join(' · '));

    // A known pause reason in the page's language; otherwise the server's own message.
    const banner = $('pause-banner');
    const why = () => known('pause', d.pause?.reason) || d.pause?.message || d.pause?.reason || t('pause.user');
    const text = d.phase === 'paused' ? t('banner.paused', { reason: why() })
      : d.phase === 'interrupted' ? t('banner.interrupted') : '';
    banner.hidden = !text;
    banner.dataset.kind = d.phase;
    setText(banner, text);

    renderResult(d);
    renderConsensus(d);
    renderSeats(d);
    renderTranscript(d);
  }

  function renderResult(d) {
    const o = d.outcome;
    if (($('result').hidden = !o)) return;
    $('result').dataset.status = o.status || 'finished';
    const failed = o.status === 'failed';
    setText($('result-title'), t(failed ? 'result.failed_title' : 'result.title'));
    setText($('result-answer'), o.answer || t(failed ? 'result.no_answer' : 'result.no_clear_answer'));
    setText($('result-score'), t('result.agreement', { percent: pct(o.score) }));
    // Why it ended, from stop_reason in the page's language; stop_detail and the error are the server's words.
    const reason = !failed && known('stop', o.stop_reason);
    const detail = [reason ? `${t('result.ended', { count: Number(o.rounds) || 0 })} ${reason}` : failed ? '' : o.stop_detail,
      o.verdict_winner && t('result.winner', { winner: o.verdict_winner }), failed && (o.error?.message || o.stop_detail)].filter(Boolean);
    setText($('result-detail'), detail.join(' '));
    $('result-synthesis-block').hidden = !o.synthesis;
    setText($('result-synthesis'), o.synthesis || '');
    setText($('result-synthesis-by'), o.synthesis_by ? ` · ${t('result.synthesis_by', { agent: o.synthesis_by })}` : '');
    const dissent = o.dissent || [];
    $('result-dissent-block').hidden = !dissent.length;
    const sig = JSON.stringify(dissent);
    if (sigs.dissent === sig) return;
    sigs.dissent = sig;
    $('result-dissent').replaceChildren(...dissent.map((x) => {
      const li = el('li');
      li.append(el('strong', null, seatName(x.agent, x.seat)), ` — ${x.answer || t('seat.no_answer')}${x.confidence != null ? ` (${pct(x.confidence)})` : ''}`);
      if (x.reasons?.length) li.append(el('span', 'muted', t('punct.colon') + x.reasons.join(t('punct.list'))));
      return li;
    }));
  }

  function renderConsensus(d) {
    const last = d.consensus[d.consensus.length - 1];
    const threshold = Number(last?.threshold ?? d.debate.threshold ?? 0);
    setText($('consensus-score'), last ? pct(last.score) : '–');
    $('consensus-score').classList.toggle('none', !last);
    setText($('consensus-needs'), threshold ? t('consensus.needs', { percent: pct(threshold) }) : '');
    const fill = $('meter-fill');
    fill.style.width = last ? cssPct(last.score) : '0%';
    fill.dataset.reached = String(!!last?.reached);
    $('meter-mark').style.left = cssPct(threshold);
    const how = last?.unanimous ? t('consensus.unanimous') : last?.tie ? t('consensus.tie') : '';
    setText($('consensus-leading'), !last ? t('consensus.measured_after')
      : t(last.reached ? 'consensus.agreed' : 'consensus.leading', { answer: last.leading_answer || '—' }) + (how ? ` · ${how}` : ''));
    const groups = last?.groups || [];
    const sig = JSON.stringify(groups);
    if (sigs.groups !== sig) {
      sigs.groups = sig;
      $('consensus-groups').replaceChildren(...groups.map((g) =>
        box('li', null, el('strong', null, g.answer || '—'), el('span', 'muted', ` ${i18n.list(g.agents || [])}`))));
    }
    renderChart(d, threshold);
  }

  // Hand-drawn SVG: the score of every round, the threshold as a dashed line.
  function renderChart(d, threshold) {
    const points = d.consensus.filter((c) => c.round > 0).map((c) => [c.round, clamp01(c.score), !!c.reached]);
    const max = Math.max(Number(d.debate.max_rounds) || 1, ...points.map((p) => p[0]));
    const sig = JSON.stringify([max, threshold, points, i18n.lang]);
    if (sigs.chart === sig) return;
    sigs.chart = sig;
    const W = 560, H = 168, L = 44, R = 40, T = 34, B = 26; // plot area inside the margins
    const x = (r) => (max <= 1 ? (L + W - R) / 2 : L + 24 + ((r - 1) / (max - 1)) * (W - L - R - 48));
    const y = (s) => T + (1 - s) * (H - T - B);
    const svg = (tag, attrs, text) => {
      const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
      for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
      if (text != null) node.textContent = text;
      return node;
    };
    const describe = points.length ? i18n.list(points.map(([r, s]) => t('chart.point', { round: r, percent: pct(s) }))) : t('chart.no_rounds');
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('chart.label', { points: describe, percent: pct(threshold) }) });
    root.append(svg('text', { class: 'caption', x: L, y: 12 }, t('chart.caption')));
    for (const s of [0, 0.5, 1]) {
      root.append(svg('line', { class: 'grid', x1: L, x2: W - R, y1: y(s), y2: y(s) }));
      root.append(svg('text', { class: 'axis', x: L - 8, y: y(s) + 4, 'text-anchor': 'end' }, pct(s)));
    }
    for (let r = 1; r <= max; r++) root.append(svg('text', { class: 'axis', x: x(r), y: H - 6, 'text-anchor': 'middle' }, max <= 6 ? t('round.n', { round: r }) : r));
    let legend = null, legendLine = null;
    if (threshold > 0) { // the legend sits above the plot, so no label can collide with it
      root.append(svg('line', { class: 'threshold', x1: L, x2: W - R, y1: y(threshold), y2: y(threshold) }));
      legendLine = svg('line', { class: 'threshold', x1: W - R - 118, x2: W - R - 96, y1: 8, y2: 8 });
      legend = svg('text', { class: 'axis', x: W - R, y: 12, 'text-anchor': 'end' }, t('chart.threshold', { percent: pct(threshold) }));
      root.append(legendLine, legend);
    }
    if (points.length > 1) {
      const line = points.map(([r, s]) => `${x(r)},${y(s)}`).join(' ');
      root.append(svg('polygon', { class: 'area', points: `${x(points[0][0])},${y(0)} ${line} ${x(points[points.length - 1][0])},${y(0)}` }));
      root.append(svg('polyline', { class: 'line', points: line }));
    }
    for (const [r, s, reached] of points) {
      const dot = svg('circle', { class: reached ? 'dot reached' : 'dot', cx: x(r), cy: y(s), r: 5 });
      dot.append(svg('title', {}, t('chart.point', { round: r, percent: pct(s) })));
      // The value goes beside its dot, on the side away from the threshold line.
      const left = max > 1 && r === max;
      root.append(dot, svg('text', { class: 'value', x: x(r) + (left ? -10 : 10), y: y(s) + (s >= threshold ? -6 : 14), 'text-anchor': left ? 'end' : 'start' }, pct(s)));
    }
    $('chart').replaceChildren(root);
    // The legend's dash sits just left of its text, however long the words are in this language.
    const width = legend?.getComputedTextLength?.() || 0;
    if (width > 0) legendLine.setAttribute('x1', W - R - width - 30), legendLine.setAttribute('x2', W - R - width - 8);
  }

  function makeSeatCard() {
    const c = { avatar: el('span', 'avatar'), name: el('h3', 'seat-name'), meta: el('p', 'seat-meta'), label: el('p', 'seat-label'),
      status: el('span', 'seat-status'), text: el('div', 'seat-text'), answer: el('p', 'stance-answer'), fill: el('span', 'conf-fill'),
      confText: el('span', 'conf-text'), changed: el('span', 'badge', t('seat.changed')), points: el('ul', 'points') };
    c.avatar.setAttribute('aria-hidden', 'true');
    c.conf = box('div', 'conf', box('span', 'conf-bar', c.fill), c.confText);
    c.stance = box('section', 'stance', c.answer, c.conf, c.points);
    c.stance.setAttribute('aria-label', t('seat.stance'));
    c.root = box('article', 'seat', box('header', 'seat-head', c.avatar, box('div', 'seat-who', c.name, c.meta)),
      box('div', 'seat-sub', c.label, c.status), c.text, c.stance);
    return c;
  }

  function renderSeats(d) {
    const seats = [...(d.debate.seats || [])].sort((a, b) => a.seat - b.seat);
    for (const [n, card] of seatCards) if (!seats.some((s) => s.seat === n)) card.root.remove(), seatCards.delete(n);
    for (const seat of seats) {
      let card = seatCards.get(seat.seat);
      if (!card) seatCards.set(seat.seat, (card = makeSeatCard())), $('seats').append(card.root);
      updateSeat(card, seat, d);
    }
  }

  const SEAT_STATUS = { repairing: 'seat.repairing', speaking: 'seat.speaking', failed: 'seat.failed', done: 'seat.done', waiting: 'seat.waiting' };

  function updateSeat(c, seat, d) {
    const live = d.live.find((l) => l.turn.seat === seat.seat);
    const last = findLast(d.turns, (turn) => turn.seat === seat.seat);
    const shown = live ? live.turn : last;
    c.root.dataset.seat = seat.seat;
    c.root.dataset.role = seat.seat_role || 'debater';
    c.root.style.setProperty('--seat', colourOf(seat.colour, seat.seat));
    c.root.setAttribute('aria-label', seatName(seat.name, seat.seat));
    setText(c.avatar, (seat.name || '?').trim().charAt(0).toUpperCase());
    setText(c.name, seatName(seat.name, seat.seat));
    const roles = [...new Set([seat.role, seat.seat_role !== 'debater' && seat.seat_role].filter(Boolean))].map((r) => known('role', r) || r);
    setText(c.meta, [shown?.model || seat.model, ...new Set(roles)].filter(Boolean).join(' · '));
    const status = live ? (live.attempt > 1 ? 'repairing' : 'speaking') : last ? (last.status === 'failed' ? 'failed' : 'done') : 'waiting';
    c.root.dataset.status = status;
    setText(c.status, t(SEAT_STATUS[status]));
    setText(c.label, shown ? turnLabel(shown) + (live?.attempt > 1 ? ` · ${t('seat.second_attempt')}` : '') : '');
    const stick = nearBottom(c.text);
    const body = live ? live.text : last ? last.text || last.error || '' : '';
    c.text.classList.toggle('streaming', !!live);
    c.text.classList.toggle('placeholder', !body && !live);
    setText(c.text, body || (live ? '' : t(seat.seat_role === 'synthesizer' ? 'seat.synthesizer_waits' : 'seat.waits')));
    if (live && stick) c.text.scrollTop = c.text.scrollHeight;

    const s = !live && last?.stance;
    c.stance.hidden = !(s && (s.answer || s.confidence != null));
    if (c.stance.hidden) return;
    setText(c.answer, s.answer || t('seat.no_answer'));
    if (last.changed) c.answer.append(c.changed);
    const hasConf = s.confidence != null;
    c.conf.hidden = !hasConf;
    c.fill.style.width = cssPct(s.confidence);
    setText(c.confText, hasConf ? t('seat.confident', { percent: pct(s.confidence) }) : '');
    const sig = JSON.stringify(s.key_points || []);
    if (c.pointsSig !== sig) c.pointsSig = sig, c.points.replaceChildren(...(s.key_points || []).map((p) => el('li', null, p)));
  }

  // Finished turns in order, each note placed by round and time, a header per round.
  function transcriptEntries(d) {
    const out = [];
    let n = 0, group = '';
    const noteFirst = (note, turn) => (note.round ?? 0) < (turn.round ?? 0)
      || ((note.round ?? 0) === (turn.round ?? 0) && note.created_at && turn.created_at && note.created_at < turn.created_at);
    const pushNote = () => { out.push({ key: `n${n}`, note: d.notes[n] }); n += 1; };
    for (const turn of d.turns) {
      while (n < d.notes.length && noteFirst(d.notes[n], turn)) pushNote();
      const label = !turn.kind || turn.kind === 'turn' ? t('round.n', { round: turn.round }) : t('round.closing');
      if (label !== group) out.push({ key: `h${(group = label)}`, header: label });
      out.push({ key: `t${turn.index}:${turn.status}`, turn });
    }
    while (n < d.notes.length) pushNote();
    return out;
  }

  function renderTranscript(d) {
    const entries = transcriptEntries(d);
    const list = $('transcript');
    const have = [...list.children].map((li) => li.dataset.key);
    const keep = have.every((k, i) => entries[i]?.key === k) ? have.length : 0; // append-only unless the past changed
    if (!keep) list.replaceChildren();
    for (const e of entries.slice(keep)) {
      const li = e.turn ? turnEntry(e.turn, d) : e.note ? noteEntry(e.note) : el('li', 'entry-round', e.header);
      li.dataset.key = e.key;
      list.append(li);
    }
    $('transcript-empty').hidden = entries.length > 0;
  }

  // When a turn or note was stored, in the page's language (hh:mm:ss).
  function timeOf(iso) {
    const text = i18n.time(iso);
    if (!text) return null;
    const node = el('time', 'muted entry-time', text);
    node.dateTime = iso;
    return node;
  }

  function turnEntry(turn, d) {
    const seat = (d.debate.seats || []).find((s) => s.seat === turn.seat) || {};
    const li = el('li', 'entry turn');
    li.dataset.turnIndex = turn.index;
    li.style.setProperty('--seat', colourOf(turn.colour || seat.colour, turn.seat));
    const head = el('p', 'entry-head');
    head.append(el('span', 'dot'), el('strong', null, turn.agent || seatName(seat.name, turn.seat)),
      el('span', 'muted', `${turnLabel(turn)}${turn.model ? ` · ${turn.model}` : ''}`));
    const when = timeOf(turn.created_at);
    if (when) head.append(when);
    const s = turn.stance;
    if (s && s.answer) head.append(el('span', 'chip answer', `${s.answer}${s.confidence != null ? ` · ${pct(s.confidence)}` : ''}`));
    if (turn.changed) head.append(el('span', 'badge', t('seat.changed')));
    li.append(head, el('p', 'entry-text', turn.text || turn.error || ''));
    return li;
  }

  function noteEntry(note) {
    const li = el('li', 'entry note');
    li.dataset.kind = note.kind || 'info';
    const head = el('p', 'entry-head');
    head.append(el('strong', null, known('note', note.kind) || note.kind || t('note.info')));
    if (note.agent) head.append(el('span', 'muted', note.agent));
    if (note.round > 0) head.append(el('span', 'muted', t('round.n', { round: note.round })));
    const when = timeOf(note.created_at);
    if (when) head.append(when);
    li.append(head, el('p', 'entry-text', note.text || ''));
    return li;
  }

  function renderChat(c) {
    setText($('chat-title'), c.title || t('chat.shared'));
    setText($('chat-model'), c.model || '');
    const main = $('main');
    const stick = nearBottom(main);
    const list = $('chat-messages');
    if (sigs.messages !== c.messages || sigs.count !== c.messages.length) { // messages are only ever appended
      Object.assign(sigs, { messages: c.messages, count: c.messages.length, liveBubble: null });
      list.replaceChildren(...c.messages.map((m) => bubble(m.role, m.content, m.model)));
    }
    if (c.live) {
      if (!sigs.liveBubble) list.append((sigs.liveBubble = bubble('assistant', '', c.live.model)));
      const text = sigs.liveBubble.querySelector('.bubble-text');
      text.classList.add('streaming');
      setText(text, c.live.text);
    } else if (sigs.liveBubble) {
      sigs.liveBubble = sigs.liveBubble.remove();
    }
    if (stick) main.scrollTop = main.scrollHeight;
  }

  function bubble(role, content, model) {
    const li = box('li', 'bubble', el('p', 'bubble-who', role === 'user' ? t('chat.user') : model || t('chat.assistant')), el('p', 'bubble-text', content || ''));
    li.dataset.role = role || 'assistant';
    return li;
  }

  function renderFooter() {
    const m = state.metrics;
    setText($('metric-status'), !m ? '' : m.status ? known('server', m.status) || t('footer.server_other', { status: m.status }) : t('footer.server_unknown'));
    $('metric-status').dataset.status = m?.status || '';
    setText($('metric-tps'), m ? t('footer.tps', { rate: i18n.decimal(m.tokens_per_second) }) : '');
    setText($('metric-viewers'), m ? t('footer.viewers', { count: Number(m.viewers) || 0 }) : '');
  }

  translatePage();
  render();
  connect();
})();
