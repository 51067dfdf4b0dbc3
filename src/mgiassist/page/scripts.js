// The chat page's behaviour that Gradio has no component for. Links in replies are plain anchors
// (they survive the chatbot's HTML sanitiser); one capturing click listener gives them meaning:
//   #mgi-chunk-<id>  open the passage in the source viewer (a drawer over the chat on a phone)
//   #mgi-ask         ask the link's own text (example questions, suggested follow-ups)
// and the chatbot's "Copy message" button copies the reply's plain text, not its HTML.
(function () {
  var NARROW = '(max-width: 900px)';
  var lastLink = null;

  function field(id) {
    return document.querySelector('#' + id + ' textarea, #' + id + ' input');
  }

  function setValue(box, value) {
    var setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(box), 'value').set;
    setter.call(box, value);
    box.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function openPanel(panelId, link) {
    lastLink = link;
    var panel = document.getElementById(panelId);
    if (!panel) { return; }
    if (window.matchMedia(NARROW).matches) {
      document.body.classList.add('mgi-drawer-open');
      panel.classList.add('mgi-drawer');
      panel.scrollTop = 0;
      var back = panel.querySelector('.mgi-back');
      if (back) { back.focus({ preventScroll: true }); }
    } else {
      var box = panel.getBoundingClientRect();
      if (box.top < 0 || box.top > window.innerHeight - 120) {
        panel.scrollIntoView({ behavior: 'smooth', block: 'start' });
      }
    }
  }

  function closePanels() {
    document.body.classList.remove('mgi-drawer-open');
    document.querySelectorAll('.mgi-drawer').forEach(function (p) { p.classList.remove('mgi-drawer'); });
    if (lastLink && document.body.contains(lastLink)) {
      lastLink.scrollIntoView({ block: 'center' });
      lastLink.focus({ preventScroll: true });
    }
  }
  window.mgiClosePanels = closePanels;

  // The copy buttons sit in a panel right after their message; a reply carries its plain text
  // in a hidden .mgi-plain block, a question is its own text.
  function plainTextNear(button) {
    var panel = button.closest('[class*="message-buttons"]');
    var message = panel && panel.previousElementSibling;
    if (!message) { return null; }
    var plain = message.querySelector('.mgi-plain');
    return plain ? plain.textContent : message.innerText.trim();
  }

  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!target || !target.closest) { return; }
    var cite = target.closest('a[href^="#mgi-chunk-"]');
    if (cite) {
      event.preventDefault();
      event.stopPropagation();
      var inCompare = !!cite.closest('#mgi-compare-table');
      var box = field('mgi-open-chunk');
      if (!box) { return; }
      var id = cite.getAttribute('href').slice('#mgi-chunk-'.length);
      setValue(box, (inCompare ? 'compare' : 'ask') + '|' + id + '|' + Date.now());
      openPanel(inCompare ? 'mgi-compare-viewer-panel' : 'mgi-viewer-panel', cite);
      return;
    }
    var ask = target.closest('a[href="#mgi-ask"]');
    if (ask) {
      event.preventDefault();
      event.stopPropagation();
      var question = field('mgi-question');
      var send = document.getElementById('mgi-send');
      if (!question || !send) { return; }
      setValue(question, ask.textContent.trim());
      setTimeout(function () { send.click(); }, 0);
      return;
    }
    var copy = target.closest('#mgi-chat button[aria-label="Copy message"]');
    if (copy) {
      var text = plainTextNear(copy);
      if (text !== null && navigator.clipboard) {
        event.preventDefault();
        event.stopPropagation();
        navigator.clipboard.writeText(text).then(function () {
          copy.setAttribute('title', 'Copied');
          setTimeout(function () { copy.setAttribute('title', 'Copy message'); }, 2000);
        });
      }
      return;
    }
    if (target.closest('.mgi-back')) {
      event.preventDefault();
      closePanels();
    }
  }, true);

  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && document.body.classList.contains('mgi-drawer-open')) {
      closePanels();
    }
  });

  // A counter under the question box once the text nears the limit; a text over it is kept in
  // the box (nothing is lost) and the page says by how much to shorten it.
  function updateCounter() {
    var box = field('mgi-question');
    var counter = document.querySelector('#mgi-counter .mgi-count');
    if (!box || !counter) { return; }
    var limit = parseInt(counter.getAttribute('data-limit'), 10) || 2000;
    var n = box.value.length;
    if (n < limit * 0.8) {
      counter.textContent = '';
      counter.classList.remove('mgi-over');
      return;
    }
    var over = n > limit;
    counter.textContent = n.toLocaleString('en') + ' / ' + limit.toLocaleString('en') +
      ' characters' + (over ? ': ' + (n - limit).toLocaleString('en') + ' too many' : '');
    counter.classList.toggle('mgi-over', over);
  }
  window.mgiUpdateCounter = updateCounter;
  document.addEventListener('input', function (event) {
    if (event.target && event.target.closest && event.target.closest('#mgi-question')) {
      updateCounter();
    }
  }, true);

  function replies() {
    return document.querySelectorAll('#mgi-chat .mgi-answer, #mgi-chat .mgi-error');
  }

  // A new reply is shown from its start (the state line and the short answer), not its bottom.
  function scrollToReply() {
    var shown = replies();
    var last = shown[shown.length - 1];
    if (!last) { return; }
    var wrap = null;
    for (var node = last.parentElement; node && node.id !== 'mgi-chat'; node = node.parentElement) {
      var style = getComputedStyle(node).overflowY;
      if ((style === 'auto' || style === 'scroll') && node.scrollHeight > node.clientHeight + 4) {
        wrap = node;
        break;
      }
    }
    var offset = 72; // keep the question just above the reply in sight
    if (wrap) {
      wrap.scrollTop += last.getBoundingClientRect().top - wrap.getBoundingClientRect().top - offset;
    }
    var top = last.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.6) {
      window.scrollBy(0, top - offset);
    }
  }
  // The second pass catches a chatbot that was still laying out at the first. Neither pass runs
  // once the reader has moved the page themselves (scrolled, clicked, typed): a late scroll
  // would move what they are about to click from under the pointer. Once the passes are over,
  // #mgi-chat's data-settled holds the number of replies shown, for whoever waits on the page.
  window.mgiAfterReply = function () {
    updateCounter();
    var moved = false;
    var expectedY = window.scrollY;
    function onUser() { moved = true; }
    var events = ['pointerdown', 'keydown', 'wheel', 'touchstart'];
    events.forEach(function (type) { document.addEventListener(type, onUser, true); });
    function pass(last) {
      if (window.scrollY !== expectedY) { moved = true; }
      if (!moved) {
        scrollToReply();
        expectedY = window.scrollY;
      }
      if (last) {
        events.forEach(function (type) { document.removeEventListener(type, onUser, true); });
        var chat = document.getElementById('mgi-chat');
        if (chat) {
          chat.setAttribute('data-settled', String(replies().length));
        }
      }
    }
    setTimeout(function () { pass(false); }, 80);
    setTimeout(function () { pass(true); }, 400);
  };
})();
