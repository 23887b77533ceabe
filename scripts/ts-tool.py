#!/usr/bin/env python3
"""Small tools for Qt Linguist .ts files (translations/), used by the scripts.
   check FILE.ts           every entry finished; placeholders, HTML tags, & accelerators, edge spaces and
                           a final ellipsis agree with the source (exit 1 on a problem)
   stats FILE.ts           how many entries are finished
   split IN OUT REGEX      the contexts matching REGEX [--only-unfinished], for a translator
   merge MAIN PART...      fill MAIN's unfinished entries from translated PARTs
   english-plurals FILE.ts fill the unfinished plural entries of the English catalogue: "%n turn(s)" gives
                           "%n turn" and "%n turns" (review the result: "were"/"are" after %n need a singular)"""
import sys, re, xml.etree.ElementTree as ET

def load(p):
    return ET.parse(p)

def key(ctxname, m):
    src = m.findtext('source') or ''
    com = m.findtext('comment') or ''
    return (ctxname, src, com)

def finished(m):
    t = m.find('translation')
    if t is None or t.get('type') in ('unfinished','vanished','obsolete'):
        return False
    if m.get('numerus') == 'yes':
        forms = t.findall('numerusform')
        return bool(forms) and all((f.text or '').strip() for f in forms)
    return bool((t.text or '').strip())

def write(tree, p):
    ET.indent(tree, space='    ')
    with open(p, 'w', encoding='utf-8') as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        f.write(ET.tostring(tree.getroot(), encoding='unicode'))
        f.write('\n')

cmd = sys.argv[1]
if cmd == 'split':
    tree = load(sys.argv[2]); rx = re.compile(sys.argv[4]); only = '--only-unfinished' in sys.argv
    root = tree.getroot()
    for c in list(root.findall('context')):
        if not rx.fullmatch(c.findtext('name')):
            root.remove(c); continue
        if only:
            for m in list(c.findall('message')):
                if finished(m): c.remove(m)
            if not c.findall('message'): root.remove(c)
    write(tree, sys.argv[3])
elif cmd == 'merge':
    main = load(sys.argv[2]); done = {}
    for p in sys.argv[3:]:
        for c in load(p).getroot().findall('context'):
            for m in c.findall('message'):
                if finished(m): done[key(c.findtext('name'), m)] = m.find('translation')
    n = 0
    for c in main.getroot().findall('context'):
        for m in c.findall('message'):
            k = key(c.findtext('name'), m)
            if not finished(m) and k in done:
                m.remove(m.find('translation')); m.append(done[k]); n += 1
    write(main, sys.argv[2]); print('filled', n)
elif cmd == 'stats':
    tot = fin = 0
    for c in load(sys.argv[2]).getroot().findall('context'):
        for m in c.findall('message'):
            tot += 1; fin += finished(m)
    print(sys.argv[2], 'messages', tot, 'finished', fin, 'unfinished', tot - fin)

def _checks(src, tr, numerus):
    probs = []
    ph = lambda s: sorted(re.findall(r'%L?\d+', s))
    if ph(src) != ph(tr): probs.append('placeholders %s vs %s' % (ph(src), ph(tr)))
    if numerus and '%n' in src and '%n' not in tr: probs.append('missing %n')
    tags = lambda s: sorted(re.findall(r'</?[a-zA-Z][^>]*>', s))
    if [t.split()[0] for t in tags(src)] != [t.split()[0] for t in tags(tr)]: probs.append('html tags differ')
    acc = lambda s: len(re.findall(r'&(?!&)', s.replace('&&', '')))
    if acc(src) != acc(tr): probs.append('accelerator & count %d vs %d' % (acc(src), acc(tr)))
    if src.endswith('\n') != tr.endswith('\n') or src.startswith(' ') != tr.startswith(' ') or src.endswith(' ') != tr.endswith(' '):
        probs.append('leading/trailing whitespace differs')
    if src.endswith('…') and not tr.endswith('…'): probs.append('ellipsis missing at end')
    return probs

if cmd == 'check':
    bad = 0
    for c in load(sys.argv[2]).getroot().findall('context'):
        for m in c.findall('message'):
            src = m.findtext('source') or ''
            t = m.find('translation')
            if not finished(m):
                print('UNFINISHED', c.findtext('name'), repr(src)); bad += 1; continue
            texts = [f.text or '' for f in t.findall('numerusform')] if m.get('numerus') == 'yes' else [t.text or '']
            for tx in texts:
                for p in _checks(src, tx, m.get('numerus') == 'yes'):
                    print('CHECK', c.findtext('name'), repr(src), '->', repr(tx), ':', p); bad += 1
    print('problems:', bad)
    sys.exit(1 if bad else 0)

if cmd == 'english-plurals':
    tree = load(sys.argv[2]); n = 0
    singular_verbs = [(' were ', ' was '), (' are ', ' is '), (' have ', ' has ')]
    for c in tree.getroot().findall('context'):
        for m in c.findall('message'):
            if m.get('numerus') != 'yes' or finished(m):
                continue
            src = m.findtext('source') or ''
            one = src.replace('(es)', '').replace('(s)', '')
            after = one.split('%n', 1)
            if len(after) == 2:
                tail = after[1]
                for plural, single in singular_verbs:
                    if plural in tail:
                        tail = tail.replace(plural, single, 1)
                        break
                one = after[0] + '%n' + tail
            many = src.replace('(es)', 'es').replace('(s)', 's')
            t = m.find('translation'); m.remove(t)
            t = ET.SubElement(m, 'translation')
            for text in (one, many):
                ET.SubElement(t, 'numerusform').text = text
            n += 1
    write(tree, sys.argv[2]); print('filled', n)
