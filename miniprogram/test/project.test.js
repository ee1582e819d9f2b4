/**
 * The project opens in WeChat DevTools: every page of app.json and every used component has
 * its four files, component paths resolve, tab pages and link targets exist, and runtime code
 * requires nothing but its own modules (there is no Node.js inside WeChat).
 */
const fs = require('fs')
const path = require('path')
const {ROOT} = require('./helpers/render')
const links = require('../utils/links')

const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'))
const RUNTIME_DIRS = ['components', 'custom-tab-bar', 'pages', 'utils']

function files(dir) {
  return fs.readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
    const full = path.join(dir, entry.name)
    return entry.isDirectory() ? files(full) : [full]
  })
}

function componentJsons() {
  return RUNTIME_DIRS.flatMap(d => files(path.join(ROOT, d))).filter(f => f.endsWith('index.json'))
}

test('every page has its four files', () => {
  app.pages.forEach(page => {
    ['js', 'json', 'wxml', 'wxss'].forEach(ext => {
      expect(fs.existsSync(path.join(ROOT, `${page}.${ext}`))).toBe(true)
    })
  })
})

test('every usingComponents entry is a component with its four files', () => {
  const used = componentJsons().flatMap(json => {
    const config = JSON.parse(fs.readFileSync(json, 'utf8'))
    return Object.values(config.usingComponents || {}).map(ref => (ref.startsWith('/')
      ? path.join(ROOT, ref) : path.join(path.dirname(json), ref)))
  })
  expect(used.length).toBeGreaterThan(20)
  used.forEach(base => {
    ['js', 'wxml', 'wxss'].forEach(ext => expect(fs.existsSync(`${base}.${ext}`)).toBe(true))
    expect(JSON.parse(fs.readFileSync(`${base}.json`, 'utf8')).component).toBe(true)
  })
})

test('tab pages and every page a link can open are in app.json', () => {
  const tabs = app.tabBar.list.map(t => `/${t.pagePath}`)
  expect(Object.values(links.TABS).sort()).toEqual(tabs.slice().sort())
  const pages = app.pages.map(p => `/${p}`)
  tabs.forEach(t => expect(pages).toContain(t))
  const targets = [{kind: 'page', slug: 'x'}, {kind: 'product', product_id: 1}, {kind: 'group', group_id: 1},
    {kind: 'url', url: 'https://a.example'}].map(l => links.target(l).url.split('?')[0])
  targets.concat(['/pages/search/index', '/pages/checkout/index', '/pages/order/index', '/pages/orders/index'])
    .forEach(t => expect(pages).toContain(t))
})

test('runtime code requires only its own files', () => {
  const js = RUNTIME_DIRS.flatMap(d => files(path.join(ROOT, d))).filter(f => f.endsWith('.js'))
    .concat([path.join(ROOT, 'app.js'), path.join(ROOT, 'config.js')])
  js.forEach(file => {
    const source = fs.readFileSync(file, 'utf8')
    const required = [...source.matchAll(/require\((['"])([^'"]+)\1\)/g)].map(m => m[2])
    required.forEach(ref => {
      expect(ref.startsWith('.')).toBe(true)
      expect(fs.existsSync(path.resolve(path.dirname(file), ref.endsWith('.js') ? ref : `${ref}.js`))).toBe(true)
    })
  })
})

test('project.config.json is a mini-program project that leaves the tooling out of uploads', () => {
  const project = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8'))
  expect(project.compileType).toBe('miniprogram')
  const ignored = project.packOptions.ignore.map(i => i.value)
  expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'test', 'scripts']))
})
