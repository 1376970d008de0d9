<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- places (and places_far, settlements): gazetteer places as filled dots, places whose position was
     derived as hollow ones, every one labelled with its name (plain text: allowHtml is off). -->
<qgis version="3.22.16" styleCategories="Symbology|Labeling" labelsEnabled="1">
  <renderer-v2 type="RuleRenderer" symbollevels="0" forceraster="0" enableorderby="0">
    <rules key="root">
      <rule key="derived" filter="${is_derived}" symbol="1" label="Derived position (see derivation)"/>
      <rule key="gazetteer" filter="ELSE" symbol="0" label="${plain_label}"/>
    </rules>
    <symbols>
      <symbol name="0" type="marker" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="color" value="${place}" type="QString"/>
            <Option name="name" value="circle" type="QString"/>
            <Option name="outline_color" value="255,255,255,255" type="QString"/>
            <Option name="outline_width" value="1.5" type="QString"/>
            <Option name="outline_width_unit" value="Pixel" type="QString"/>
            <Option name="size" value="${size}" type="QString"/>
            <Option name="size_unit" value="Pixel" type="QString"/>
          </Option>
        </layer>
      </symbol>
      <symbol name="1" type="marker" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
          <Option type="Map">
            <Option name="color" value="255,255,255,255" type="QString"/>
            <Option name="name" value="circle" type="QString"/>
            <Option name="outline_color" value="${place}" type="QString"/>
            <Option name="outline_width" value="2" type="QString"/>
            <Option name="outline_width_unit" value="Pixel" type="QString"/>
            <Option name="size" value="${size}" type="QString"/>
            <Option name="size_unit" value="Pixel" type="QString"/>
          </Option>
        </layer>
      </symbol>
    </symbols>
  </renderer-v2>
  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="${label_field}" isExpression="0" allowHtml="0" fontFamily="${font}" fontSize="${font_size}" fontSizeUnit="Point" fontWeight="63" fontItalic="0" namedStyle="Bold" textColor="27,27,27,255" textOpacity="1" multilineHeight="1" previewBkgrdColor="255,255,255,255" capitalization="0" blendMode="0">
        <families/>
        <text-buffer bufferDraw="1" bufferSize="1" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.9" bufferJoinStyle="128" bufferNoFill="1" bufferBlendMode="0"/>
        <text-mask maskEnabled="0"/>
        <background shapeDraw="0"/>
        <shadow shadowDraw="0"/>
        <dd_properties>
          <Option type="Map">
            <Option name="name" value="" type="QString"/>
            <Option name="properties"/>
            <Option name="type" value="collection" type="QString"/>
          </Option>
        </dd_properties>
        <substitutions/>
      </text-style>
      <text-format plussign="0" wrapChar="" multilineAlign="3" autoWrapLength="0" useMaxLineLengthForAutoWrap="1" addDirectionSymbol="0" formatNumbers="0" decimals="3" reverseDirectionSymbol="0" placeDirectionSymbol="0" leftDirectionSymbol="&lt;" rightDirectionSymbol="&gt;"/>
      <placement placement="6" dist="1" distUnits="MM" offsetType="0" predefinedPositionOrder="TR,TL,BR,BL,R,L,TSR,BSR" priority="5" quadOffset="4" xOffset="0" yOffset="0" offsetUnits="MM" centroidWhole="0" centroidInside="0" fitInPolygonOnly="0" overrunDistance="0" rotationAngle="0" lineAnchorType="0" lineAnchorPercent="0.5" layerType="PointGeometry" geometryGenerator="" geometryGeneratorEnabled="0" geometryGeneratorType="PointGeometry" repeatDistance="0" maxCurvedCharAngleIn="25" maxCurvedCharAngleOut="-25" placementFlags="10" preserveRotation="1" allowDegraded="0" overlapHandling="PreventOverlap" polygonPlacementFlags="2"/>
      <rendering obstacle="1" obstacleType="1" obstacleFactor="1" displayAll="0" upsidedownLabels="0" labelPerPart="0" mergeLines="0" minFeatureSize="0" limitNumLabels="0" maxNumLabels="2000" drawLabels="1" scaleVisibility="${label_scale_visibility}" scaleMin="0" scaleMax="${label_scale_min}" fontLimitPixelSize="0" fontMinPixelSize="3" fontMaxPixelSize="10000" zIndex="0" unplacedVisibility="0"/>
      <dd_properties>
        <Option type="Map">
          <Option name="name" value="" type="QString"/>
          <Option name="properties"/>
          <Option name="type" value="collection" type="QString"/>
        </Option>
      </dd_properties>
      <callout type="simple">
        <Option type="Map">
          <Option name="enabled" value="0" type="QString"/>
        </Option>
      </callout>
    </settings>
  </labeling>
  <layerGeometryType>0</layerGeometryType>
</qgis>
