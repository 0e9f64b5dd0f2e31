// What markmap-view takes from "d3", and only that (build.mjs points "d3" here): the whole
// of d3 would bring d3-scale-chromatic's colour ramps for the ten colours of
// schemeCategory10, which markmap only uses when no colour is given (we always give one).
import 'd3-transition' // adds selection.transition(), which markmap animates with
export { scaleOrdinal } from 'd3-scale'
export { linkHorizontal } from 'd3-shape'
export { zoom, zoomIdentity, zoomTransform } from 'd3-zoom'
export { select } from 'd3-selection'
export { max, min, minIndex } from 'd3-array'
export const schemeCategory10 = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd',
  '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf']
