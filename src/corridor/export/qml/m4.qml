<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- m4: the modelled road, dashed by how sure its course is (corridor.webmap.style.ROAD_DASH). -->
<qgis version="3.22.16" styleCategories="Symbology|Labeling" labelsEnabled="0">
  <renderer-v2 type="categorizedSymbol" attr="confidence" symbollevels="0" forceraster="0" enableorderby="0">
    <categories>
      <category value="high" symbol="0" label="high: course well known" render="true"/>
      <category value="user" symbol="1" label="user: from the --route file" render="true"/>
      <category value="medium" symbol="2" label="medium: course approximate" render="true"/>
      <category value="low" symbol="3" label="low: course sketched" render="true"/>
    </categories>
    <symbols>
${road_symbols}
    </symbols>
  </renderer-v2>
  <layerGeometryType>1</layerGeometryType>
</qgis>
