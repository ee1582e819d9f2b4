/** Picking a SKU from a product's specs (GET products/<id>): pure helpers. */

/** The SKU whose spec values are exactly `chosen` (one value per spec), or null. */
function findSku(product, chosen) {
  const skus = product && Array.isArray(product.skus) ? product.skus : []
  const specs = product && Array.isArray(product.specs) ? product.specs : []
  if (!specs.length) return skus.length === 1 ? skus[0] : null
  if (!Array.isArray(chosen) || chosen.length !== specs.length || chosen.some(v => !v)) return null
  return skus.find(sku => Array.isArray(sku.spec_values) &&
    sku.spec_values.length === chosen.length && sku.spec_values.every((v, i) => v === chosen[i])) || null
}

/** The specs with each value marked chosen / unavailable (no SKU in stock with it and the rest). */
function specOptions(product, chosen) {
  const specs = product && Array.isArray(product.specs) ? product.specs : []
  const skus = product && Array.isArray(product.skus) ? product.skus : []
  return specs.map((spec, i) => ({
    name: spec.name,
    values: (spec.values || []).map(value => {
      const trial = (chosen || []).slice()
      trial[i] = value
      const possible = skus.some(sku => sku.stock > 0 && Array.isArray(sku.spec_values) &&
        sku.spec_values.every((v, j) => !trial[j] || v === trial[j]))
      return {value, chosen: (chosen || [])[i] === value, disabled: !possible}
    }),
  }))
}

/** How many of one SKU may go in one order. */
function maxQty(product, sku) {
  const limits = [999]
  if (sku && typeof sku.stock === 'number') limits.push(sku.stock)
  if (product && typeof product.limit_per_order === 'number' && product.limit_per_order > 0) limits.push(product.limit_per_order)
  return Math.max(0, Math.min.apply(null, limits))
}

module.exports = {findSku, specOptions, maxQty}
