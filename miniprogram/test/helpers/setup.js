// miniprogram-simulate installs global Component/Behavior and a `wx` with default mocks.
require('miniprogram-simulate')
