/* The optional interactive street map (PORTAL_BASEMAP_PMTILES_URL): MapLibre GL JS draws the
   operator's own PMTiles basemap and, over it, the same markers as the server-drawn map (numbered,
   linked to the programs' pages, approximate ones with a dashed ring). Everything comes from this
   site (or the operator's tile host); the SVG map stays for print, without JavaScript or WebGL, and
   if the tiles cannot be read. Loaded only when the setting is on (templates/includes/map.html). */
(function () {
  "use strict";

  // A compact style of our own for the Protomaps basemap schema: land, water, roads, places.
  // No text: labels would need glyph files (fonts); the markers are HTML, the towns are dots.
  function style(url) {
    var roads = function (kinds, color, width) {
      return {
        type: "line", source: "basemap", "source-layer": "roads",
        filter: ["in", ["get", "kind"], ["literal", kinds]],
        layout: {"line-cap": "round", "line-join": "round"},
        paint: {
          "line-color": color,
          "line-width": ["interpolate", ["exponential", 1.6], ["zoom"], 6, width / 4, 12, width, 16, width * 6]
        }
      };
    };
    var layers = [
      {id: "water-background", type: "background", paint: {"background-color": "#c8dbe6"}},
      {id: "land", type: "fill", source: "basemap", "source-layer": "earth", paint: {"fill-color": "#f4f6f1"}},
      {id: "parks", type: "fill", source: "basemap", "source-layer": "landuse",
       filter: ["in", ["get", "kind"], ["literal", ["park", "nature_reserve", "forest", "wood"]]],
       paint: {"fill-color": "#e3ecd9"}},
      {id: "water", type: "fill", source: "basemap", "source-layer": "water", paint: {"fill-color": "#c8dbe6"}},
      {id: "boundaries", type: "line", source: "basemap", "source-layer": "boundaries",
       filter: ["<=", ["get", "kind_detail"], 4], paint: {"line-color": "#4a535c", "line-width": 1.2, "line-dasharray": [3, 2]}}
    ];
    layers.push(Object.assign({id: "roads-minor"}, roads(["minor_road", "other"], "#ffffff", 1.2)));
    layers.push(Object.assign({id: "roads-medium"}, roads(["medium_road"], "#ffffff", 1.8)));
    layers.push(Object.assign({id: "roads-major"}, roads(["major_road"], "#fbe3a6", 2.4)));
    layers.push(Object.assign({id: "roads-highway"}, roads(["highway"], "#f2c46d", 3)));
    layers.push({id: "places", type: "circle", source: "basemap", "source-layer": "places",
                 filter: ["==", ["get", "kind"], "locality"],
                 paint: {"circle-radius": 3, "circle-color": "#3b444c", "circle-stroke-color": "#ffffff", "circle-stroke-width": 1}});
    return {
      version: 8,
      sources: {
        basemap: {
          type: "vector", url: "pmtiles://" + url,
          attribution: '<a href="https://www.openstreetmap.org/copyright">© OpenStreetMap</a>'
        }
      },
      layers: layers
    };
  }

  function absolute(url) {
    return new URL(url, document.baseURI).href;
  }

  function readJSON(text, fallback) {
    try {
      return text ? JSON.parse(text) : fallback;
    } catch (error) {
      return fallback;
    }
  }

  function markerElement(marker, approximateText) {
    var element = document.createElement(marker.url ? "a" : "span");
    element.className = "basemap-marker" + (marker.approximate ? " is-approximate" : "");
    var label = (marker.number ? marker.number + ". " : "") + marker.name +
      (marker.approximate ? " " + approximateText : "");
    if (marker.url) {
      element.href = marker.url;
      element.setAttribute("aria-label", label);
    } else {
      element.setAttribute("role", "img");
      element.setAttribute("aria-label", label);
    }
    element.title = label;
    element.textContent = marker.number ? String(marker.number) : "";
    return element;
  }

  function draw(figure, protocolAdded) {
    var url = figure.getAttribute("data-basemap");
    var markers = readJSON(figure.getAttribute("data-basemap-markers"), []).filter(function (marker) {
      return typeof marker.lat === "number" && typeof marker.lng === "number";
    });
    var place = readJSON(figure.getAttribute("data-basemap-place"), null);
    if (!url || !markers.length) {
      return;
    }
    var container = document.createElement("div");
    container.className = "basemap";
    figure.insertBefore(container, figure.firstChild);
    figure.classList.add("has-basemap");
    var map;
    function fallBack() {  // back to the drawing: nothing of the interactive map stays
      if (map) {
        map.remove();
      }
      container.remove();
      figure.classList.remove("has-basemap");
    }
    var bounds = new maplibregl.LngLatBounds();
    markers.forEach(function (marker) { bounds.extend([marker.lng, marker.lat]); });
    if (place) {
      bounds.extend([place.lng, place.lat]);
    }
    try {
      map = new maplibregl.Map({
        container: container,
        style: style(absolute(url)),
        bounds: bounds,
        fitBoundsOptions: {padding: 40, maxZoom: 14},
        attributionControl: {compact: true},
        locale: readJSON(figure.getAttribute("data-basemap-locale"), {}),
        cooperativeGestures: true
      });
    } catch (error) {
      fallBack();  // no WebGL
      return;
    }
    map.getCanvas().setAttribute("aria-label", figure.getAttribute("data-basemap-label") || "");
    map.addControl(new maplibregl.NavigationControl({showCompass: false}), "top-right");
    var loaded = false;
    map.on("sourcedata", function (event) {
      if (event.sourceId === "basemap" && event.isSourceLoaded) {
        loaded = true;
      }
    });
    map.on("error", function (event) {
      if (!loaded && event.sourceId === "basemap") {
        fallBack();  // the tiles cannot be read (not served, no byte ranges): keep the drawing
      }
    });
    if (place) {
      var cross = document.createElement("span");
      cross.className = "basemap-place";
      cross.setAttribute("role", "img");
      cross.setAttribute("aria-label", place.label);
      cross.title = place.label;
      new maplibregl.Marker({element: cross}).setLngLat([place.lng, place.lat]).addTo(map);
    }
    var approximateText = figure.getAttribute("data-basemap-approximate") || "";
    markers.forEach(function (marker) {
      new maplibregl.Marker({element: markerElement(marker, approximateText)})
        .setLngLat([marker.lng, marker.lat]).addTo(map);
    });
  }

  function start() {
    if (!window.maplibregl || !window.pmtiles) {
      return;
    }
    var figures = document.querySelectorAll("figure[data-basemap]");
    if (!figures.length) {
      return;
    }
    var protocol = new pmtiles.Protocol();
    maplibregl.addProtocol("pmtiles", protocol.tile);
    Array.prototype.forEach.call(figures, draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
