// magic-cube: 2-4 cells in a fixed arrangement (the same layouts as the H5 block).
const block = require('../../../utils/block')
const {withDefaults, listOf} = require('../../../utils/props')
const {imageUrl} = require('../../../utils/format')

const DEFAULTS = {layout: '1l-2r', cells: [], gap: 8, style: 'card'}
const CELL = {image: null, link: null, title: '', subtitle: ''}
// Each layout: height as % of the width, and the cells as [left, top, width, height] in %.
const LAYOUTS = {
  '1-2': {ratio: 40, rects: [[0, 0, 50, 100], [50, 0, 50, 100]]},
  '1-3': {ratio: 41.67, rects: [[0, 0, 33.33, 100], [33.33, 0, 33.34, 100], [66.67, 0, 33.33, 100]]},
  '1-4': {ratio: 32.5, rects: [[0, 0, 25, 100], [25, 0, 25, 100], [50, 0, 25, 100], [75, 0, 25, 100]]},
  '2-2': {ratio: 66.67, rects: [[0, 0, 50, 50], [50, 0, 50, 50], [0, 50, 50, 50], [50, 50, 50, 50]]},
  '1l-2r': {ratio: 55, rects: [[0, 0, 50, 100], [50, 0, 50, 50], [50, 50, 50, 50]]},
  '1t-2b': {ratio: 75, rects: [[0, 0, 100, 50], [0, 50, 50, 50], [50, 50, 50, 50]]},
  '1l-3r': {ratio: 55, rects: [[0, 0, 50, 100], [50, 0, 50, 50], [50, 50, 25, 50], [75, 50, 25, 50]]},
}
const TINTS = ['#fff1ee', '#fff8e8', '#eef5ff', '#ecfaf1']

Component({
  behaviors: [block],
  data: {p: DEFAULTS, ratio: 55, cells: [], gapRpx: 16},
  methods: {
    view({props}) {
      const p = withDefaults(props, DEFAULTS)
      const layout = LAYOUTS[p.layout] || LAYOUTS['1l-2r']
      const width = p.style === 'card' ? 702 : 750
      const cells = listOf(p.cells, CELL).slice(0, layout.rects.length).map((cell, i) => {
        const [left, top, w, h] = layout.rects[i]
        return {
          src: imageUrl(cell.image, Math.round(width * w / 100)),
          link: cell.link,
          title: cell.title,
          subtitle: cell.subtitle,
          style: `left: ${left}%; top: ${top}%; width: ${w}%; height: ${h}%`,
          tint: TINTS[i % TINTS.length],
        }
      })
      return {p, ratio: layout.ratio, cells, gapRpx: Math.max(0, Math.round(p.gap)) * 2}
    },
  },
})
