// The component framework catches exceptions in component code and only logs them with
// console.error; a test during which anything was logged that way fails.
let logged = []

beforeEach(() => {
  logged = []
  jest.spyOn(console, 'error').mockImplementation((...args) => {
    logged.push(args.map(a => (a && a.stack) || String(a)).join(' '))
  })
})

afterEach(() => {
  console.error.mockRestore()
  if (logged.length) throw new Error(`console.error during the test:\n${logged.join('\n')}`)
})
