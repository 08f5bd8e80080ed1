// "Nghe đọc": the document read aloud by the phone's own Vietnamese voice (speechSynthesis), with
// play/pause, for members who read small print with difficulty. The text is spoken a sentence at a
// time: long utterances stop by themselves in some Chrome versions, and pause() is unreliable on
// Android, so pausing cancels and playing again starts from the sentence that was being read.
;(() => {
  const source = document.querySelector('[data-speak]')
  if (!source || source.dataset.speakReady) return
  source.dataset.speakReady = '1'
  const synth = window.speechSynthesis
  const box = document.createElement('div')
  box.className = 'speak no-print'
  const button = document.createElement('button')
  button.type = 'button'
  button.hidden = true
  const note = document.createElement('p')
  box.append(button, note)
  source.before(box)
  if (!synth || !window.SpeechSynthesisUtterance) {
    note.textContent = 'Trình duyệt này không đọc thành tiếng được.'
    return
  }

  let voice = null
  let parts = []
  let at = 0
  let turn = 0
  const label = (playing) => {
    button.textContent = playing ? '❚❚ Tạm dừng' : at ? '▶ Nghe tiếp' : '▶ Nghe đọc bài này'
    button.setAttribute('aria-pressed', String(playing))
  }
  // plain ES2017 (no flatMap, no lookbehind): old phones' Chrome runs it
  const sentences = (text) => {
    const out = []
    for (const s of text.match(/[^.!?;\n]+[.!?;\n]*/g) || []) for (const p of s.length > 200 ? s.split(', ') : [s]) if (p.trim()) out.push(p.trim())
    return out
  }

  const say = (mine) => {
    if (mine !== turn) return
    if (at >= parts.length) {
      at = 0
      turn++
      return label(false)
    }
    const utterance = new SpeechSynthesisUtterance(parts[at])
    utterance.lang = voice.lang
    utterance.voice = voice
    utterance.rate = 0.9
    utterance.onend = () => {
      if (mine !== turn) return
      at++
      say(mine)
    }
    // a voice that fails sends an error and no end: stop there, say so, and offer that sentence again
    utterance.onerror = (e) => {
      if (mine !== turn || e.error === 'interrupted' || e.error === 'canceled') return
      turn++
      label(false)
      note.textContent = 'Máy chưa đọc được câu này. Bấm nút để thử lại.'
      note.hidden = false
    }
    synth.speak(utterance)
  }
  const pause = () => {
    turn++
    synth.cancel()
    label(false)
  }
  button.addEventListener('click', () => {
    if (button.getAttribute('aria-pressed') === 'true') return pause()
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text breaks between paragraphs and headings, so they are read as sentences
    if (!at) parts = sentences(source.innerText)
    note.hidden = true
    synth.cancel()
    label(true)
    say(++turn)
  })
  // the phone would go on reading after the member has left the page
  window.addEventListener('pagehide', pause)

  const pick = () => {
    voice = synth.getVoices().find((v) => /^vi([-_]|$)/i.test(v.lang)) || null
    button.hidden = !voice
    note.textContent = voice ? '' : 'Máy này chưa có giọng đọc tiếng Việt nên chưa nghe đọc được (cài trong Cài đặt › Chuyển văn bản thành giọng nói).'
    note.hidden = !!voice
    if (voice) label(false)
  }
  // voices arrive late on some phones
  if (synth.addEventListener) synth.addEventListener('voiceschanged', pick)
  pick()
})()
