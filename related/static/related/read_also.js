/*
 * “À lire :” suggestions for the body paragraph being written (related/panels.py).
 *
 * When a paragraph's rich-text editor gets the cursor, or typing pauses in it, the text of
 * the paragraph under the cursor goes to the admin endpoint; each earlier article it returns
 * can be inserted as a "Read also" block right after that paragraph, through the API of
 * Wagtail's StreamField script (the stream's root element carries its block as `rootBlock`).
 * Without that API, the editor copies an “À lire :” line instead.
 *
 * No inline script (django-csp): the panel's data attributes carry the endpoint, the page,
 * the field and the translated texts.
 */
(() => {
  "use strict";

  const DEBOUNCE_MS = 800;
  const FOCUS_DELAY_MS = 50;
  const MIN_LENGTH = 3;
  const EVENTS = ["focusin", "mouseup", "keyup", "input", "paste"];
  // Putting the cursor somewhere asks at once; typing asks once it pauses.
  const CURSOR_EVENTS = new Set(["focusin", "mouseup"]);

  function streamOf(fieldId) {
    const element = document.getElementById(`${fieldId}-root`);
    return element && element.rootBlock ? { element, block: element.rootBlock } : null;
  }

  function csrfToken(box) {
    const scope = box.closest("form") || document;
    const input = scope.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /** The text of the paragraph under the cursor, or of the whole editor. */
  function paragraphText(editor) {
    const selection = window.getSelection();
    let node = selection && selection.rangeCount ? selection.anchorNode : null;
    if (node && node.nodeType !== Node.ELEMENT_NODE) node = node.parentElement;
    const block = node && editor.contains(node) ? node.closest('[data-block="true"]') : null;
    return ((block || editor).innerText || "").replace(/\s+/g, " ").trim();
  }

  function followingArticleId(stream, child) {
    const next = stream.children[stream.children.indexOf(child) + 1];
    if (!next || next.type !== "read_also") return null;
    const article = next.getState().value.article;
    return article ? article.id : null;
  }

  class ReadAlsoSuggestions {
    constructor(box) {
      this.box = box;
      this.url = box.dataset.readAlsoUrl;
      this.pageId = box.dataset.readAlsoPage || "";
      this.fieldId = box.dataset.readAlsoField;
      this.panel = box.querySelector(".read-also__box");
      this.status = box.querySelector("[data-read-also-status]");
      this.list = box.querySelector("[data-read-also-list]");
      this.itemTemplate = box.querySelector("template[data-read-also-item]");
      this.timer = null;
      this.request = null;
      this.lastText = null;
      this.child = null;
      this.hidden = false;
      this.shownChild = null;
      this.shown = "";
      this.onEvent = this.onEvent.bind(this);
      box.querySelector("[data-read-also-hide]").addEventListener("click", () => {
        this.hidden = true;
        this.updateFloating();
      });
      EVENTS.forEach((type) => document.addEventListener(type, this.onEvent, true));
      this.watchPosition();
    }

    text(name) {
      return this.box.dataset[`readAlsoText${name}`] || "";
    }

    setStatus(message) {
      this.status.textContent = message;
    }

    /** The paragraph block of the body that holds `target`, with its editor. */
    paragraphAt(target) {
      const stream = streamOf(this.fieldId);
      if (!stream || !(target instanceof Element) || !stream.element.contains(target)) {
        return null;
      }
      const editor = target.closest('[contenteditable="true"]');
      const childElement = editor && editor.closest("[data-streamfield-child]");
      const child = stream.block.children.find((each) => each.element === childElement);
      return child && child.type === "paragraph" ? { editor, child } : null;
    }

    onEvent(event) {
      const paragraph = this.paragraphAt(event.target);
      if (!paragraph) return;
      window.clearTimeout(this.timer);
      const delay = CURSOR_EVENTS.has(event.type) ? FOCUS_DELAY_MS : DEBOUNCE_MS;
      this.timer = window.setTimeout(() => this.suggest(paragraph), delay);
    }

    async suggest({ editor, child }) {
      const text = paragraphText(editor);
      if (text === this.lastText && child === this.child) return;
      this.lastText = text;
      this.child = child;
      if (this.request) this.request.abort();
      this.request = null;
      if (text.length < MIN_LENGTH) {
        this.list.replaceChildren();
        this.setStatus(this.text("Idle"));
        this.updateFloating();
        return;
      }
      const request = new AbortController();
      this.request = request;
      const body = new FormData();
      body.append("text", text);
      if (this.pageId) body.append("page", this.pageId);
      this.setStatus(this.text("Searching"));
      this.box.setAttribute("aria-busy", "true");
      let data = null;
      try {
        const response = await fetch(this.url, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: {
            Accept: "application/json",
            "X-CSRFToken": csrfToken(this.box),
            "X-Requested-With": "XMLHttpRequest",
          },
          signal: request.signal,
        });
        const isJson = (response.headers.get("Content-Type") || "").includes("json");
        data = isJson ? await response.json() : null;
        if (!response.ok || !data) throw new Error((data && data.error) || response.statusText);
      } catch (error) {
        if (error.name === "AbortError") return;
        this.list.replaceChildren();
        this.setStatus((data && data.error) || this.text("Error"));
        this.updateFloating();
        return;
      } finally {
        if (this.request === request) {
          this.request = null;
          this.box.removeAttribute("aria-busy");
        }
      }
      this.render(data, child);
    }

    render(data, child) {
      const shown = data.suggestions.map((suggestion) => suggestion.id).join(",");
      if (child !== this.shownChild || shown !== this.shown) this.hidden = false;
      this.shownChild = child;
      this.shown = shown;
      this.list.replaceChildren();
      const names = data.entities.join(", ");
      if (!data.entities.length) {
        this.setStatus(this.text("NoNames"));
      } else if (!data.suggestions.length) {
        this.setStatus(`${this.text("NoArticles")} ${names}`);
      } else {
        this.setStatus(`${this.text("Found")} ${names}`);
      }
      const stream = streamOf(this.fieldId);
      const inserted = stream ? followingArticleId(stream.block, child) : null;
      data.suggestions.forEach((suggestion) => {
        const item = this.itemTemplate.content.firstElementChild.cloneNode(true);
        item.dataset.readAlsoId = suggestion.id;
        const title = item.querySelector("[data-read-also-title]");
        title.textContent = suggestion.title;
        title.href = suggestion.url;
        item.querySelector("[data-read-also-date]").textContent = suggestion.date_display;
        item.querySelector("[data-read-also-entities]").textContent =
          suggestion.entities.join(", ");
        const insert = item.querySelector("[data-read-also-insert]");
        const copy = item.querySelector("[data-read-also-copy]");
        if (stream) {
          insert.addEventListener("click", () => this.insert(suggestion, child, insert));
          if (inserted === suggestion.id) this.markInserted(insert);
        } else {
          insert.hidden = true;
          copy.hidden = false;
        }
        copy.addEventListener("click", () => this.copy(suggestion));
        this.list.append(item);
      });
      this.updateFloating();
    }

    /** A "Read also" block choosing the article, right after the paragraph. */
    insert(suggestion, child, button) {
      const stream = streamOf(this.fieldId);
      const index = stream ? stream.block.children.indexOf(child) : -1;
      if (index < 0) {
        this.copy(suggestion);
        return;
      }
      const id = window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID() : null;
      stream.block.insert({ type: "read_also", value: suggestion.block, id }, index + 1, {
        animate: true,
        focus: false,
      });
      this.markInserted(button);
    }

    markInserted(button) {
      button.disabled = true;
      button.textContent = this.text("Inserted");
    }

    copy(suggestion) {
      const line = `${this.text("Prefix")} ${suggestion.title} ${suggestion.url}`;
      const done = () => this.setStatus(this.text("Copied"));
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(line).then(done, () => window.prompt("", line));
      } else {
        window.prompt("", line);
        done();
      }
    }

    /** Float the box in a corner while its place in the form is scrolled out of view, until
     * the editor hides it; other suggestions, or another paragraph, bring it back. */
    watchPosition() {
      this.outOfView = false;
      if (!("IntersectionObserver" in window)) return;
      new IntersectionObserver((entries) => {
        this.outOfView = !entries[entries.length - 1].isIntersecting;
        this.updateFloating();
      }).observe(this.box);
    }

    updateFloating() {
      const floating = this.outOfView && !this.hidden && this.list.children.length > 0;
      this.panel.classList.toggle("read-also__box--floating", floating);
    }
  }

  function start() {
    document.querySelectorAll("[data-read-also]").forEach((box) => {
      if (!box.readAlsoSuggestions) box.readAlsoSuggestions = new ReadAlsoSuggestions(box);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
