// Progressive enhancement for the search pages: suggestions while typing, and results that
// update in place with real URLs and a working back button. Without this file every control
// is still a plain link or form, so nothing here may be needed to reach any state.
(() => {
  "use strict";

  const input = document.getElementById("q");
  const form = document.getElementById("search-form");
  const list = document.getElementById("suggestions");
  const main = document.getElementById("main");
  if (!input || !form || !list || !main) return;

  const SUGGEST_DELAY_MS = 120;
  const RESULTS_DELAY_MS = 450;
  const FACET_DELAY_MS = 200;
  const KIND_LABELS = {
    person: "Person",
    organization: "Organization",
    location: "Place",
    title: "Article",
  };

  const onSearchPage = () => main.querySelector("[data-page='search']") !== null;

  function debounce(fn, ms) {
    let timer;
    const call = (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
    call.cancel = () => clearTimeout(timer);
    return call;
  }

  // ---- Results in place -------------------------------------------------------------------

  let pageRequest = null;

  function formUrl() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) {
      if (typeof value === "string" && value.trim() !== "") params.append(key, value);
    }
    const query = params.toString();
    return form.action.split("?")[0] + (query ? "?" + query : "");
  }

  // Fetch `url` as HTML and swap in its results and form state; any surprise falls back to
  // an ordinary page load, which always works.
  async function navigate(url, { history: mode = "push", syncQuery = true, focusKey = null } = {}) {
    if (!onSearchPage()) {
      window.location.assign(url);
      return;
    }
    // Any other navigation overrides results still waiting for the typing to pause.
    if (mode !== "typed") updateResults.cancel();
    if (pageRequest) pageRequest.abort();
    const request = new AbortController();
    pageRequest = request;
    main.setAttribute("aria-busy", "true");
    let doc;
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" }, signal: request.signal });
      const type = response.headers.get("Content-Type") || "";
      if (response.status >= 500 || !type.startsWith("text/html")) throw new Error("fallback");
      doc = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch (error) {
      if (error.name !== "AbortError") window.location.assign(url);
      return;
    } finally {
      if (pageRequest === request) main.removeAttribute("aria-busy");
    }
    const newMain = doc.getElementById("main");
    const newState = doc.getElementById("form-state");
    if (!newMain) {
      window.location.assign(url);
      return;
    }
    main.replaceChildren(...newMain.childNodes);
    const state = document.getElementById("form-state");
    if (state && newState) state.replaceChildren(...newState.childNodes);
    document.title = doc.title;
    // The feed of the page follows the results, so "subscribe" in a reader gets this search.
    const feed = document.head.querySelector("link[rel='alternate'][type='application/atom+xml']");
    const newFeed = doc.head.querySelector("link[rel='alternate'][type='application/atom+xml']");
    if (feed && newFeed) feed.setAttribute("href", newFeed.getAttribute("href"));
    if (syncQuery) {
      const newInput = doc.getElementById("q");
      input.value = newInput ? newInput.value : "";
    }
    if (mode === "push") window.history.pushState({ typed: false }, "", url);
    else if (mode === "typed") {
      // A run of typing makes one history entry, so Back returns to before the typing.
      if (window.history.state && window.history.state.typed) {
        window.history.replaceState({ typed: true }, "", url);
      } else {
        window.history.pushState({ typed: true }, "", url);
      }
    }
    if (focusKey) {
      const again = main.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`);
      (again || document.getElementById("results-heading") || main).focus();
    } else if (mode === "push" && document.activeElement === document.body) {
      (document.getElementById("results-heading") || main).focus();
    }
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || link.target) return;
    const url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname !== "/" || !onSearchPage()) return;
    event.preventDefault();
    navigate(url.href, { focusKey: link.dataset.focusKey || "results" });
  });

  form.addEventListener("submit", (event) => {
    closeList();
    updateResults.cancel();
    if (!onSearchPage()) return;
    event.preventDefault();
    navigate(formUrl());
  });

  window.addEventListener("popstate", () => {
    navigate(window.location.href, { history: "none" });
  });

  const updateResults = debounce(() => {
    if (onSearchPage()) navigate(formUrl(), { history: "typed", syncQuery: false });
  }, RESULTS_DELAY_MS);

  // ---- Suggestions: an ARIA 1.2 combobox with a listbox popup -------------------------------

  let suggestions = [];
  let active = -1;
  let suggestRequest = null;
  let shownFor = null;

  function closeList() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    suggestions = [];
    active = -1;
  }

  function render(found) {
    list.replaceChildren();
    suggestions = found;
    active = -1;
    found.forEach((suggestion, index) => {
      const option = document.createElement("li");
      option.id = `suggestion-${index}`;
      option.className = `suggestion kind-${suggestion.kind}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      const text = document.createElement("span");
      text.className = "text";
      text.textContent = suggestion.text;
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = KIND_LABELS[suggestion.kind] || suggestion.kind;
      option.append(text, kind);
      // mousedown, not click: the input must not lose focus (and close the list) first.
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(index);
      });
      list.append(option);
    });
    list.hidden = found.length === 0;
    input.setAttribute("aria-expanded", String(found.length > 0));
  }

  function highlight(index) {
    const options = list.querySelectorAll("[role='option']");
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(index) {
    const suggestion = suggestions[index];
    closeList();
    // A choice replaces whatever the typing was about to show.
    updateResults.cancel();
    if (!suggestion) return;
    if (suggestion.kind === "title" || !onSearchPage()) {
      window.location.assign(suggestion.url);
      return;
    }
    // An entity refines the current search: the letters typed were its name, not words.
    const params = new URLSearchParams(window.location.search);
    ["q", "page", "cursor"].forEach((key) => params.delete(key));
    params.append(suggestion.kind, suggestion.text);
    input.value = "";
    navigate(`${window.location.pathname}?${params}`);
  }

  const fetchSuggestions = debounce(async () => {
    const prefix = input.value.trim();
    if (prefix === shownFor) return;
    if (suggestRequest) suggestRequest.abort();
    if (!prefix) {
      shownFor = null;
      closeList();
      return;
    }
    const request = new AbortController();
    suggestRequest = request;
    try {
      const response = await fetch(`${input.dataset.suggestUrl}?q=${encodeURIComponent(prefix)}`, {
        headers: { Accept: "application/json" },
        signal: request.signal,
      });
      if (!response.ok) throw new Error(String(response.status));
      const body = await response.json();
      // A slow answer for an older prefix must not replace a newer one.
      if (input.value.trim() !== prefix || document.activeElement !== input) return;
      shownFor = prefix;
      render(body.suggestions || []);
    } catch (error) {
      if (error.name !== "AbortError") closeList();
    }
  }, SUGGEST_DELAY_MS);

  input.addEventListener("input", () => {
    shownFor = null;
    fetchSuggestions();
    updateResults();
  });

  input.addEventListener("keydown", (event) => {
    const open = !list.hidden && suggestions.length > 0;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!open) {
        shownFor = null;
        fetchSuggestions();
        return;
      }
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = active + step;
      highlight(next < -1 ? suggestions.length - 1 : next >= suggestions.length ? -1 : next);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      closeList();
    } else if (event.key === "Tab") {
      closeList();
    }
  });

  input.addEventListener("blur", () => closeList());

  // ---- Finding a value in a long facet -------------------------------------------------------

  // The list each finder started from, to put back when its text is cleared.
  const originals = new WeakMap();

  const findValues = debounce(async (finder) => {
    const facet = finder.dataset.facet;
    const current = document.getElementById(`values-${facet}`);
    if (!current) return;
    if (!originals.has(finder)) originals.set(finder, current.cloneNode(true));
    const text = finder.querySelector("input[name='q']").value.trim();
    if (!text) {
      current.replaceWith(originals.get(finder).cloneNode(true));
      return;
    }
    const params = new URLSearchParams(new FormData(finder));
    try {
      const response = await fetch(`${finder.action}?${params}`, { headers: { Accept: "text/html" } });
      if (!response.ok) return;
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const found = doc.getElementById(`values-${facet}`);
      const live = document.getElementById(`values-${facet}`);
      if (found && live && finder.querySelector("input[name='q']").value.trim() === text) {
        live.replaceWith(found);
      }
    } catch {
      // The form still works by submitting it.
    }
  }, FACET_DELAY_MS);

  document.addEventListener("input", (event) => {
    const finder = event.target.closest("form.facet-find");
    if (finder && onSearchPage()) findValues(finder);
  });
})();
