// replylint composer: lint a reply while it is typed, via POST /v1/check.
//
// Offsets from the server are code-point offsets; JavaScript strings index UTF-16
// code units. Every conversion goes through Array.from(text) (one element per code
// point), so emoji and other astral characters land on the right characters.
"use strict";

(function () {
  const DEBOUNCE_MS = 250;
  const TOKEN_KEY = "replylint.token";
  const FIELDS_KEY = "replylint.composer.fields"; // channel, name, brand: kept between visits

  // The page's own words, in the reply's language once it is known (else the browser's).
  const STRINGS = {
    en: {
      composer: "composer", verdict: "Verdict", conversation: "Conversation", channel: "Channel",
      ch_public: "Public (comment, post)", ch_private: "Private message", ch_chat: "Chat",
      ch_email: "Email", agent: "Your name", agent_ph: "e.g. Marie", brand: "Brand",
      brand_ph: "e.g. Acme", token: "API token", token_ph: "Bearer token",
      incoming: "Customer's message",
      incoming_ph: "Paste the message you are answering (optional)",
      reply_section: "Reply", reply: "Your reply",
      reply_ph: "Write your reply; problems are underlined as you type.",
      findings: "Findings", finding: "Finding", empty: "Nothing to fix.", fix: "Fix",
      sev_error: "error", sev_warning: "warning", sev_info: "info",
      v_pass: "pass", v_warn: "warn", v_block: "block", v_error: "error",
      colon: ": ", language: "Language", one_finding: "1 finding", n_findings: "{n} findings",
      no_findings: "no findings", docs: "Documentation of rule {rule}",
      token_missing: "This server needs an API token: enter it above.",
      token_wrong: "The server did not accept this API token: check it and try again.",
      unreachable: "Cannot reach the replylint service.", failed: "The check failed.",
    },
    fr: {
      composer: "rédaction", verdict: "Verdict", conversation: "Conversation", channel: "Canal",
      ch_public: "Public (commentaire, publication)", ch_private: "Message privé", ch_chat: "Chat",
      ch_email: "E-mail", agent: "Votre prénom", agent_ph: "ex. Marie", brand: "Marque",
      brand_ph: "ex. Acme", token: "Jeton d'API", token_ph: "Jeton Bearer",
      incoming: "Message du client",
      incoming_ph: "Collez le message auquel vous répondez (facultatif)",
      reply_section: "Réponse", reply: "Votre réponse",
      reply_ph: "Rédigez votre réponse ; les problèmes sont soulignés pendant la frappe.",
      findings: "Remarques", finding: "Remarque", empty: "Rien à corriger.", fix: "Corriger",
      sev_error: "erreur", sev_warning: "avertissement", sev_info: "info",
      v_pass: "ok", v_warn: "à revoir", v_block: "bloqué", v_error: "erreur",
      colon: " : ", language: "Langue", one_finding: "1 remarque", n_findings: "{n} remarques",
      no_findings: "aucune remarque", docs: "Documentation de la règle {rule}",
      token_missing: "Ce serveur demande un jeton d'API : saisissez-le ci-dessus.",
      token_wrong: "Le serveur a refusé ce jeton d'API : vérifiez-le et réessayez.",
      unreachable: "Impossible de joindre le service replylint.", failed: "La vérification a échoué.",
    },
  };
  const browserLanguage = (navigator.language || "en").slice(0, 2).toLowerCase();
  let uiLanguage = STRINGS[browserLanguage] ? browserLanguage : "en";

  function t(key, values) {
    let text = (STRINGS[uiLanguage] || STRINGS.en)[key] || STRINGS.en[key] || key;
    for (const [name, value] of Object.entries(values || {})) text = text.replace("{" + name + "}", value);
    return text;
  }

  function applyStrings() {
    document.documentElement.lang = uiLanguage;
    for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    for (const el of document.querySelectorAll("[data-i18n-placeholder]")) {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    }
    for (const el of document.querySelectorAll("[data-i18n-label]")) {
      el.setAttribute("aria-label", t(el.dataset.i18nLabel));
    }
  }

  function setLanguage(language) {
    if (!STRINGS[language] || language === uiLanguage) return;
    uiLanguage = language;
    applyStrings();
  }

  const $ = (id) => document.getElementById(id);
  const reply = $("reply");
  const backdrop = $("backdrop");
  const editor = $("editor");
  const verdict = $("verdict");
  const statusLine = $("status");
  const list = $("findings");
  const count = $("count");
  const empty = $("empty");
  const tooltip = $("tooltip");
  const channel = $("channel");
  const agent = $("agent");
  const brand = $("brand");
  const incoming = $("incoming");
  const tokenRow = $("token-row");
  const tokenInput = $("token");

  // The last result and the exact text it is about.
  let findings = [];
  let checkedText = null;
  let timer = null;
  let inflight = null;
  let sequence = 0;
  let hideTimer = null;

  // --- code points <-> UTF-16 -------------------------------------------------------

  function codePoints(text) {
    return Array.from(text);
  }

  // utf16Offsets(cps)[i] is the UTF-16 index of code point i (length cps.length + 1).
  function utf16Offsets(cps) {
    const offsets = new Array(cps.length + 1);
    offsets[0] = 0;
    for (let i = 0; i < cps.length; i++) offsets[i + 1] = offsets[i] + cps[i].length;
    return offsets;
  }

  function clamp(value, low, high) {
    return Math.max(low, Math.min(high, value));
  }

  // Code-point [start, end) of a finding, never empty so it can be underlined.
  function spanOf(finding, length) {
    let start = clamp(finding.start.offset, 0, length);
    let end = clamp(finding.end.offset, start, length);
    if (end === start) {
      if (end < length) end += 1;
      else if (start > 0) start -= 1;
    }
    return [start, end];
  }

  // --- rendering the underlines --------------------------------------------------------

  const SEVERITY_RANK = { error: 3, warning: 2, info: 1 };

  function worst(indices) {
    let best = "info";
    for (const i of indices) {
      if (SEVERITY_RANK[findings[i].severity] > SEVERITY_RANK[best]) best = findings[i].severity;
    }
    return best;
  }

  function renderBackdrop() {
    const text = reply.value;
    const cps = codePoints(text);
    const spans = findings.map((f) => spanOf(f, cps.length));
    const cuts = new Set([0, cps.length]);
    for (const [s, e] of spans) {
      cuts.add(s);
      cuts.add(e);
    }
    const points = Array.from(cuts).sort((a, b) => a - b);
    const fragment = document.createDocumentFragment();
    for (let k = 0; k + 1 < points.length; k++) {
      const from = points[k];
      const to = points[k + 1];
      const piece = cps.slice(from, to).join("");
      const covering = [];
      spans.forEach(([s, e], i) => {
        if (s <= from && to <= e && !findings[i].stale) covering.push(i);
      });
      if (covering.length === 0) {
        fragment.appendChild(document.createTextNode(piece));
      } else {
        const mark = document.createElement("mark");
        mark.className = "sev-" + worst(covering);
        mark.dataset.findings = covering.join(" ");
        mark.textContent = piece;
        fragment.appendChild(mark);
      }
    }
    // A trailing newline needs a character after it to take up its line.
    fragment.appendChild(document.createTextNode("\u200b"));
    backdrop.replaceChildren(fragment);
  }

  function autoGrow() {
    reply.style.height = "auto";
    reply.style.height = reply.scrollHeight + "px";
  }

  // --- the findings list -------------------------------------------------------------

  // The rule's documentation as this service serves it (GET /rules/NAME).
  function ruleLink(finding) {
    const a = document.createElement("a");
    a.href = "/rules/" + encodeURIComponent(finding.rule);
    a.target = "_blank";
    a.rel = "noopener";
    a.title = t("docs", { rule: finding.rule });
    a.textContent = finding.rule;
    return a;
  }

  function fixButton(index) {
    const finding = findings[index];
    const button = document.createElement("button");
    button.type = "button";
    button.className = "fix";
    button.textContent = t("fix") + t("colon") + finding.fixes[0].title;
    button.disabled = reply.value !== checkedText;
    button.addEventListener("click", (event) => {
      event.stopPropagation();
      applyFix(index);
    });
    return button;
  }

  // Clicking a finding selects its words in the reply, ready to retype.
  function selectFinding(index) {
    const cps = codePoints(reply.value);
    const [s, e] = spanOf(findings[index], cps.length);
    const offsets = utf16Offsets(cps);
    reply.focus();
    reply.setSelectionRange(offsets[s], offsets[e]);
  }

  function explanation(finding, className) {
    const item = document.createElement("div");
    item.className = className + " sev-" + finding.severity;
    const head = document.createElement("div");
    head.className = "head";
    const sev = document.createElement("span");
    sev.className = "sev sev-" + finding.severity;
    sev.textContent = t("sev_" + finding.severity);
    head.append(sev, ruleLink(finding));
    const message = document.createElement("div");
    message.className = "message";
    message.textContent = finding.message;
    item.append(head, message);
    return item;
  }

  function renderList() {
    list.replaceChildren();
    const live = findings.filter((f) => !f.stale);
    count.textContent = live.length ? "(" + live.length + ")" : "";
    empty.hidden = live.length > 0 || !reply.value.trim();
    const text = reply.value;
    const cps = codePoints(text);
    findings.forEach((finding, index) => {
      if (finding.stale) return;
      const li = document.createElement("li");
      li.className = "finding sev-" + finding.severity;
      li.dataset.index = String(index);
      li.tabIndex = 0;
      const body = explanation(finding, "explain");
      const [s, e] = spanOf(finding, cps.length);
      const excerpt = document.createElement("div");
      excerpt.className = "excerpt";
      const quoted = cps.slice(s, e).join("");
      excerpt.textContent = "“" + (quoted.length > 80 ? quoted.slice(0, 77) + "…" : quoted) + "”";
      li.append(body, excerpt);
      if (finding.fixes && finding.fixes.length) li.appendChild(fixButton(index));
      li.addEventListener("click", (event) => {
        if (!event.target.closest("a, button")) selectFinding(index);
      });
      li.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && event.target === li) selectFinding(index);
      });
      li.addEventListener("mouseenter", () => highlight([index], true));
      li.addEventListener("mouseleave", () => highlight([], false));
      li.addEventListener("focus", () => highlight([index], true));
      li.addEventListener("blur", () => highlight([], false));
      list.appendChild(li);
    });
  }

  function marksFor(index) {
    return Array.from(backdrop.querySelectorAll("mark")).filter((m) =>
      m.dataset.findings.split(" ").includes(String(index))
    );
  }

  // Highlight the underlines of `indices`; with `tip`, show the explanation by them.
  function highlight(indices, tip) {
    for (const mark of backdrop.querySelectorAll("mark.active")) mark.classList.remove("active");
    let anchor = null;
    for (const index of indices) {
      for (const mark of marksFor(index)) {
        mark.classList.add("active");
        anchor = anchor || mark;
      }
    }
    if (tip && anchor) showTooltip(indices, anchor.getClientRects()[0] || anchor.getBoundingClientRect());
    else scheduleHide();
  }

  // --- tooltip on hover ------------------------------------------------------------------

  function showTooltip(indices, rect) {
    clearTimeout(hideTimer);
    tooltip.replaceChildren(
      ...indices.map((i) => {
        const item = explanation(findings[i], "tip-item");
        if (findings[i].fixes && findings[i].fixes.length && !findings[i].stale) {
          item.appendChild(fixButton(i));
        }
        return item;
      })
    );
    tooltip.hidden = false;
    const top = rect.bottom + window.scrollY + 6;
    const maxLeft = document.documentElement.clientWidth - tooltip.offsetWidth - 8;
    const left = clamp(rect.left + window.scrollX, 8, Math.max(8, maxLeft + window.scrollX));
    tooltip.style.top = top + "px";
    tooltip.style.left = left + "px";
  }

  function scheduleHide() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(() => {
      tooltip.hidden = true;
    }, 250);
  }

  tooltip.addEventListener("mouseenter", () => clearTimeout(hideTimer));
  tooltip.addEventListener("mouseleave", scheduleHide);

  // The textarea covers the mirror, so find the underline under the pointer by geometry.
  function markAt(x, y) {
    for (const mark of backdrop.querySelectorAll("mark")) {
      for (const r of mark.getClientRects()) {
        if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom + 4) return [mark, r];
      }
    }
    return null;
  }

  let hovered = null;
  reply.addEventListener("mousemove", (event) => {
    const hit = markAt(event.clientX, event.clientY);
    if (!hit) {
      if (hovered) {
        hovered = null;
        highlight([], false);
      }
      return;
    }
    const [mark, rect] = hit;
    if (hovered === mark) return;
    hovered = mark;
    const indices = mark.dataset.findings.split(" ").map(Number);
    for (const m of backdrop.querySelectorAll("mark.active")) m.classList.remove("active");
    mark.classList.add("active");
    showTooltip(indices, rect);
  });
  reply.addEventListener("mouseleave", () => {
    hovered = null;
    for (const m of backdrop.querySelectorAll("mark.active")) m.classList.remove("active");
    scheduleHide();
  });

  // --- keeping underlines in place while typing -------------------------------------------

  // After an edit, findings before it stay, findings after it shift, and findings it
  // touches are hidden until the next check answers.
  function shiftFindings(oldText, newText) {
    const a = codePoints(oldText);
    const b = codePoints(newText);
    let prefix = 0;
    while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
    let suffix = 0;
    while (
      suffix < a.length - prefix &&
      suffix < b.length - prefix &&
      a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
    ) suffix++;
    const editEnd = a.length - suffix;
    const delta = b.length - a.length;
    for (const f of findings) {
      if (f.stale) continue;
      if (f.end.offset <= prefix) continue;
      if (f.start.offset >= editEnd) {
        f.start = { offset: f.start.offset + delta };
        f.end = { offset: f.end.offset + delta };
      } else {
        f.stale = true;
      }
    }
  }

  // --- checking ---------------------------------------------------------------------------

  function setVerdict(state, label) {
    verdict.dataset.verdict = state;
    verdict.textContent = label === undefined ? t("v_" + state) : label;
  }

  function setStatus(message, isError) {
    statusLine.textContent = message;
    statusLine.classList.toggle("error", Boolean(isError));
  }

  function headers() {
    const h = { "Content-Type": "application/json" };
    const token = tokenInput.value.trim();
    if (token) h.Authorization = "Bearer " + token;
    return h;
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(check, delay);
  }

  async function check() {
    const text = reply.value;
    if (inflight) inflight.abort();
    if (!text.trim()) {
      findings = [];
      checkedText = text;
      renderBackdrop();
      renderList();
      setVerdict("idle", "—");
      setStatus("");
      return;
    }
    const record = { text: text, channel: channel.value };
    if (agent.value.trim()) record.agent = agent.value.trim();
    if (brand.value.trim()) record.brand = brand.value.trim();
    if (incoming.value.trim()) record.incoming = incoming.value;
    const mine = ++sequence;
    const controller = new AbortController();
    inflight = controller;
    setVerdict("checking", verdict.dataset.verdict === "idle" ? "…" : verdict.textContent);
    let response;
    let body;
    try {
      response = await fetch("/v1/check", {
        method: "POST",
        headers: headers(),
        body: JSON.stringify(record),
        signal: controller.signal,
      });
      body = await response.json();
    } catch (error) {
      if (error.name === "AbortError") return;
      if (mine === sequence) {
        setVerdict("error");
        setStatus(t("unreachable"), true);
      }
      return;
    }
    if (mine !== sequence) return; // an older answer; a newer request is on its way
    inflight = null;
    if (!response.ok) {
      if (response.status === 401) {
        tokenRow.hidden = false;
        // A token was sent and refused, or none was sent: two different things to do.
        setStatus(t(tokenInput.value.trim() ? "token_wrong" : "token_missing"), true);
      } else {
        setStatus((body && body.error && body.error.message) || t("failed"), true);
      }
      setVerdict("error");
      return;
    }
    findings = body.findings || [];
    checkedText = text;
    if (reply.value !== text) {
      // Typed while waiting: keep what still applies, the next check is scheduled.
      shiftFindings(text, reply.value);
    }
    setLanguage(body.language);
    setVerdict(body.verdict);
    const n = findings.length;
    const counted = n === 0 ? t("no_findings") : n === 1 ? t("one_finding") : t("n_findings", { n: n });
    setStatus(t("language") + t("colon") + body.language + " · " + counted);
    renderBackdrop();
    renderList();
  }

  // --- applying a fix ---------------------------------------------------------------------

  function applyFix(index) {
    const finding = findings[index];
    if (!finding || !finding.fixes || !finding.fixes.length) return;
    if (reply.value !== checkedText) return; // offsets are for the checked text only
    const cps = codePoints(reply.value);
    const edits = finding.fixes[0].edits.slice().sort((x, y) => y.start - x.start);
    let caret = null;
    for (const edit of edits) {
      const start = clamp(edit.start, 0, cps.length);
      const end = clamp(edit.end, start, cps.length);
      const inserted = codePoints(edit.text);
      cps.splice(start, end - start, ...inserted);
      if (caret === null) caret = start + inserted.length;
    }
    const text = cps.join("");
    reply.value = text;
    previous = text;
    const offsets = utf16Offsets(codePoints(text));
    const at = offsets[clamp(caret === null ? 0 : caret, 0, offsets.length - 1)];
    reply.focus();
    reply.setSelectionRange(at, at);
    findings = findings.filter((f) => f !== finding);
    shiftFindings(checkedText, text);
    autoGrow();
    renderBackdrop();
    renderList();
    schedule(0);
  }

  // --- wiring -----------------------------------------------------------------------------

  let previous = reply.value;
  reply.addEventListener("input", () => {
    shiftFindings(previous, reply.value);
    previous = reply.value;
    autoGrow();
    renderBackdrop();
    renderList();
    schedule(DEBOUNCE_MS);
  });
  for (const field of [channel, agent, brand, incoming]) {
    field.addEventListener(field === channel ? "change" : "input", () => {
      if (field !== incoming) rememberFields();
      schedule(DEBOUNCE_MS);
    });
  }

  function rememberFields() {
    try {
      const fields = { channel: channel.value, agent: agent.value, brand: brand.value };
      localStorage.setItem(FIELDS_KEY, JSON.stringify(fields));
    } catch (_) {
      /* storage may be disabled */
    }
  }

  function restoreFields() {
    try {
      const fields = JSON.parse(localStorage.getItem(FIELDS_KEY) || "{}");
      if (Array.from(channel.options).some((o) => o.value === fields.channel)) channel.value = fields.channel;
      if (typeof fields.agent === "string") agent.value = fields.agent;
      if (typeof fields.brand === "string") brand.value = fields.brand;
    } catch (_) {
      /* storage disabled or a value from an older page: start empty */
    }
  }
  tokenRow.addEventListener("submit", (event) => {
    event.preventDefault();
    schedule(0);
  });
  tokenInput.addEventListener("input", () => {
    try {
      sessionStorage.setItem(TOKEN_KEY, tokenInput.value);
    } catch (_) {
      /* storage may be disabled */
    }
    schedule(DEBOUNCE_MS);
  });
  window.addEventListener("resize", () => {
    autoGrow();
    tooltip.hidden = true;
  });
  editor.addEventListener("click", () => reply.focus());

  applyStrings();
  restoreFields();
  try {
    tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || "";
  } catch (_) {
    /* storage may be disabled */
  }
  fetch("/healthz")
    .then((r) => r.json())
    .then((health) => {
      if (health.auth) tokenRow.hidden = false;
    })
    .catch(() => setStatus(t("unreachable"), true));

  autoGrow();
  renderBackdrop();
  renderList();
  if (reply.value.trim()) schedule(0);
})();
