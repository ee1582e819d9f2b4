/**
 * The behaviour of a page whose countdowns move: `this.tick()` every second while the page is
 * shown, stopped when it is hidden or closed. The page defines `tick`.
 */
module.exports = Behavior({
  pageLifetimes: {
    show() {
      clearInterval(this.timer)
      this.timer = setInterval(() => this.tick(), 1000)
    },
    hide() {
      clearInterval(this.timer)
    },
  },
  lifetimes: {
    detached() {
      clearInterval(this.timer)
    },
  },
})
