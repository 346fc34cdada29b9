/* hardening-audit: filter the results table by host, domain, severity and status, and fill in a
   result's details when its row is shown expanded.
   The selection lives in the URL (?host=a,b&severity=high,...), so a filtered view can be shared.
   pytest-html redraws the table when it sorts, filters by outcome or toggles a row: both are
   applied again on every redraw. */
(function () {
  'use strict'
  const GROUPS = ['host', 'domain', 'severity', 'status']
  const form = document.getElementById('audit-filters')
  const count = document.getElementById('audit-filter-count')
  if (!form) return
  const boxes = (group) => Array.from(form.querySelectorAll('input[data-filter="' + group + '"]'))

  const params = new URLSearchParams(window.location.search)
  GROUPS.forEach((group) => {
    if (params.has(group)) {
      const wanted = new Set(params.get(group).split(',').filter(Boolean))
      boxes(group).forEach((box) => { box.checked = wanted.has(box.value) })
    }
  })

  const selection = () => {
    const chosen = {}
    GROUPS.forEach((group) => {
      chosen[group] = new Set(boxes(group).filter((box) => box.checked).map((box) => box.value))
    })
    return chosen
  }

  const dataElement = document.getElementById('audit-data')
  const data = dataElement ? JSON.parse(dataElement.textContent) : { controls: {}, evidence: [], results: {} }
  const make = (tag, text, className) => {
    const element = document.createElement(tag)
    if (text !== undefined) element.textContent = text
    if (className) element.className = className
    return element
  }
  const fill = (placeholder) => {
    const host = placeholder.dataset.host
    const control = placeholder.dataset.control
    const result = data.results[host + '\t' + control]
    const info = data.controls[control]
    if (!result || !info) return
    const [title, severity, level, domain, rationale, remediation, references] = info
    const [, finding, evidence] = result
    placeholder.appendChild(make('h4', control + ' ' + title))
    placeholder.appendChild(make('p', severity + ' severity, level ' + level + ', ' + domain + ', ' + host,
      'audit-meta-line'))
    const list = make('dl')
    const add = (label, content, className) => {
      list.appendChild(make('dt', label))
      const dd = make('dd', undefined, className)
      if (typeof content === 'string') dd.textContent = content
      else content.forEach((node) => dd.appendChild(node))
      list.appendChild(dd)
    }
    add('Why it is required', rationale)
    add('Finding (expected vs found)', finding, 'audit-finding')
    add('Remediation', remediation)
    add('References', references.map((line) => make('div', line)))
    add('Evidence', evidence.length ? evidence.map((index) => {
      const [command, exit, output, lines] = data.evidence[index]
      const block = make('details', undefined, 'audit-evidence')
      if (lines <= 12) block.open = true
      const summary = make('summary')
      summary.appendChild(make('code', '$ ' + command))
      summary.appendChild(make('span', ' exit ' + exit + ', ' + lines + (lines === 1 ? ' line' : ' lines'),
        'audit-exit'))
      block.appendChild(summary)
      const shown = output.split('\n').length
      block.appendChild(make('pre', output + (lines > shown ? '\n[' + (lines - shown) +
        ' more lines in results.json]' : '')))
      return block
    }) : [make('p', 'No command was run.', 'audit-none')])
    placeholder.appendChild(list)
  }

  let applying = false
  const apply = () => {
    if (applying) return
    applying = true
    const started = performance.now()
    const chosen = selection()
    let shown = 0
    let total = 0
    document.querySelectorAll('#results-table tbody.results-table-row').forEach((body) => {
      const row = body.querySelector('tr.collapsible')
      if (!row || !row.querySelector('td.col-host')) return
      total += 1
      const keep = GROUPS.every((group) => {
        const cell = row.querySelector('td.col-' + group)
        return !cell || chosen[group].has(cell.dataset.value)
      })
      body.classList.toggle('audit-hidden', !keep)
      if (keep) shown += 1
      const extras = body.querySelector('tr.extras-row')
      const placeholder = body.querySelector('.audit-detail')
      if (keep && placeholder && !placeholder.firstChild && extras && !extras.classList.contains('hidden')) {
        fill(placeholder)
      }
    })
    if (count) count.textContent = 'Showing ' + shown + ' of ' + total + ' results.'
    document.body.dataset.auditFilterMs = (performance.now() - started).toFixed(1)
    if (total > 0 && !document.body.dataset.auditReady) {
      document.body.dataset.auditReady = String(Math.round(performance.now()))
    }
    applying = false
  }

  const remember = () => {
    const url = new URL(window.location.href)
    GROUPS.forEach((group) => {
      const all = boxes(group)
      const checked = all.filter((box) => box.checked).map((box) => box.value)
      if (checked.length === all.length) url.searchParams.delete(group)
      else url.searchParams.set(group, checked.join(','))
    })
    window.history.replaceState(null, '', url)
  }

  form.addEventListener('change', () => { remember(); apply() })
  form.addEventListener('click', (event) => {
    const group = event.target.dataset.all || event.target.dataset.none
    if (!group) return
    boxes(group).forEach((box) => { box.checked = Boolean(event.target.dataset.all) })
    remember()
    apply()
  })
  const start = () => {
    const table = document.getElementById('results-table')
    if (table) new MutationObserver(apply).observe(table, { childList: true })
    apply()
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start)
  else start()
})()
